using System;
using System.IO;
using System.Linq;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace PSIpc.HelpGen;

/// <summary>
/// PSIpc.HelpGen &lt;docs dir&gt; &lt;output dir&gt;: reads the cmdlet pages (PlatyPS markdown schema 2.0.0) and the
/// about_ topics in docs/ and writes &lt;output&gt;/PSIpc.dll-Help.xml (MAML, what Get-Help reads for a binary module)
/// and &lt;output&gt;/about_*.help.txt. A page that breaks the schema stops the run with the file and the reason.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: PSIpc.HelpGen <docs dir> <output dir>");
            return 2;
        }

        try
        {
            Directory.CreateDirectory(args[1]);
            var pages = Directory.GetFiles(args[0], "*-*.md").OrderBy(f => f, StringComparer.Ordinal).Select(CommandPage.Parse).ToList();
            Maml.Write(pages, Path.Combine(args[1], "PSIpc.dll-Help.xml"));
            foreach (string about in Directory.GetFiles(args[0], "about_*.md"))
            {
                string name = Path.GetFileNameWithoutExtension(about);
                File.WriteAllText(Path.Combine(args[1], name + ".help.txt"), AboutText.Render(File.ReadAllText(about)));
            }

            Console.WriteLine($"PSIpc.HelpGen: {pages.Count} cmdlets into {Path.Combine(args[1], "PSIpc.dll-Help.xml")}");
            return 0;
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine("PSIpc.HelpGen: " + e.Message);
            return 1;
        }
    }
}
