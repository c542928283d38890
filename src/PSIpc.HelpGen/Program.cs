using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using Markdig;
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

/// <summary>One parameter as its page documents it.</summary>
internal sealed record ParameterDoc(string Name, string Description, IReadOnlyDictionary<string, string> Meta)
{
    public string Type => Meta.GetValueOrDefault("Type", "Object");

    public bool IsSwitch => Type == "SwitchParameter";

    /// <summary>The sets it belongs to; empty for (All).</summary>
    public IReadOnlyList<string> Sets => Meta.GetValueOrDefault("Parameter Sets", "(All)") is "(All)" or ""
        ? Array.Empty<string>()
        : Meta["Parameter Sets"].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    public bool InSet(string set) => Sets.Count == 0 || Sets.Contains(set);
}

/// <summary>A cmdlet page: the sections PlatyPS's schema defines, as text.</summary>
internal sealed class CommandPage
{
    public string Name { get; private set; } = string.Empty;

    public string Synopsis { get; private set; } = string.Empty;

    public List<string> Description { get; } = new();

    /// <summary>Parameter set names in page order (__AllParameterSets when there is one).</summary>
    public List<string> Sets { get; } = new();

    public List<(string Title, string Code, List<string> Remarks)> Examples { get; } = new();

    public List<ParameterDoc> Parameters { get; } = new();

    public List<string> Inputs { get; } = new();

    public List<string> Outputs { get; } = new();

    public List<string> Notes { get; } = new();

    public List<string> Links { get; } = new();

    public static CommandPage Parse(string path)
    {
        string text = File.ReadAllText(path);
        if (!text.StartsWith("---", StringComparison.Ordinal) || !text.Contains("external help file: PSIpc.dll-Help.xml", StringComparison.Ordinal))
        {
            throw new FormatException($"{path}: the front matter with 'external help file: PSIpc.dll-Help.xml' is missing.");
        }

        var page = new CommandPage();
        MarkdownDocument doc = Markdown.Parse(text, new MarkdownPipelineBuilder().UseYamlFrontMatter().Build());
        string section = string.Empty;
        string? h3 = null;
        List<string>? paragraphs = null;
        foreach (Block block in doc)
        {
            switch (block)
            {
                case HeadingBlock { Level: 1 } h:
                    page.Name = Inline(h.Inline);
                    break;
                case HeadingBlock { Level: 2 } h:
                    section = Inline(h.Inline);
                    h3 = null;
                    break;
                case HeadingBlock { Level: 3 } h:
                    h3 = Inline(h.Inline);
                    paragraphs = new List<string>();
                    switch (section)
                    {
                        case "SYNTAX":
                            page.Sets.Add(h3.Replace(" (Default)", string.Empty, StringComparison.Ordinal));
                            break;
                        case "EXAMPLES":
                            page.Examples.Add((h3, string.Empty, paragraphs));
                            break;
                        case "INPUTS":
                            page.Inputs.Add(h3);
                            break;
                        case "OUTPUTS":
                            page.Outputs.Add(h3);
                            break;
                    }

                    break;
                case FencedCodeBlock code when section == "EXAMPLES" && page.Examples.Count > 0:
                    var last = page.Examples[^1];
                    page.Examples[^1] = (last.Title, code.Lines.ToString().TrimEnd(), last.Remarks);
                    break;
                case FencedCodeBlock code when section == "PARAMETERS" && h3 is not null && h3.StartsWith('-'):
                    var meta = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (string line in code.Lines.ToString().Split('\n'))
                    {
                        int colon = line.IndexOf(':', StringComparison.Ordinal);
                        if (colon > 0)
                        {
                            meta[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                        }
                    }

                    page.Parameters.Add(new ParameterDoc(h3[1..], string.Join(" ", paragraphs!), meta));
                    break;
                case ParagraphBlock p:
                    string para = Inline(p.Inline);
                    switch (section)
                    {
                        case "SYNOPSIS": page.Synopsis = (page.Synopsis + " " + para).Trim(); break;
                        case "DESCRIPTION": page.Description.Add(para); break;
                        case "NOTES": page.Notes.Add(para); break;
                        case "RELATED LINKS": page.Links.Add(para); break;
                        default: paragraphs?.Add(para); break;
                    }

                    break;
                case ListBlock list when section is "DESCRIPTION" or "NOTES":
                    foreach (Block item in list)
                    {
                        string entry = "- " + string.Join(" ", ((ListItemBlock)item).OfType<ParagraphBlock>().Select(b => Inline(b.Inline)));
                        (section == "NOTES" ? page.Notes : page.Description).Add(entry);
                    }

                    break;
            }
        }

        if (page.Name.Length == 0 || page.Synopsis.Length == 0 || page.Description.Count == 0)
        {
            throw new FormatException($"{path}: a page needs a # title, a SYNOPSIS and a DESCRIPTION.");
        }

        if (page.Examples.Any(e => e.Code.Length == 0))
        {
            throw new FormatException($"{path}: every example needs a ```powershell code block.");
        }

        return page;
    }

    /// <summary>The plain text of inlines: code spans keep their text, links their label, emphasis its content.</summary>
    public static string Inline(ContainerInline? inline)
    {
        var sb = new StringBuilder();
        void Walk(Inline? node)
        {
            for (; node is not null; node = node.NextSibling)
            {
                switch (node)
                {
                    case LiteralInline l: sb.Append(l.Content.ToString()); break;
                    case CodeInline c: sb.Append(c.Content); break;
                    case LineBreakInline: sb.Append(' '); break;
                    case ContainerInline c: Walk(c.FirstChild); break;
                }
            }
        }

        Walk(inline?.FirstChild);
        return sb.ToString().Trim();
    }
}

/// <summary>Writes the MAML that Get-Help reads for binary modules (the same elements New-ExternalHelp writes).</summary>
internal static class Maml
{
    private const string MamlNs = "http://schemas.microsoft.com/maml/2004/10";
    private const string CommandNs = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string DevNs = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static void Write(IEnumerable<CommandPage> pages, string path)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        using XmlWriter w = XmlWriter.Create(path, settings);
        w.WriteStartDocument();
        w.WriteStartElement("helpItems", "http://msh");
        w.WriteAttributeString("schema", "maml");
        foreach (CommandPage page in pages)
        {
            WriteCommand(w, page);
        }

        w.WriteEndElement();
        w.WriteEndDocument();
    }

    private static void WriteCommand(XmlWriter w, CommandPage page)
    {
        w.WriteStartElement("command", "command", CommandNs);
        w.WriteAttributeString("xmlns", "maml", null, MamlNs);
        w.WriteAttributeString("xmlns", "dev", null, DevNs);
        w.WriteStartElement("command", "details", CommandNs);
        w.WriteElementString("command", "name", CommandNs, page.Name);
        string[] verbNoun = page.Name.Split('-', 2);
        w.WriteElementString("command", "verb", CommandNs, verbNoun[0]);
        w.WriteElementString("command", "noun", CommandNs, verbNoun.Length > 1 ? verbNoun[1] : string.Empty);
        Paragraphs(w, "maml", "description", MamlNs, new[] { page.Synopsis });
        w.WriteEndElement();
        Paragraphs(w, "maml", "description", MamlNs, page.Description);

        w.WriteStartElement("command", "syntax", CommandNs);
        foreach (string set in page.Sets)
        {
            w.WriteStartElement("command", "syntaxItem", CommandNs);
            w.WriteElementString("maml", "name", MamlNs, page.Name);
            // As Get-Command shows syntax: positional parameters by position, then the named ones in page order.
            var inSet = page.Parameters.Where(p => p.InSet(set) || set == "__AllParameterSets")
                .OrderBy(p => int.TryParse(p.Meta.GetValueOrDefault("Position"), out int at) ? at : int.MaxValue);
            foreach (ParameterDoc p in inSet)
            {
                Parameter(w, p);
            }

            w.WriteEndElement();
        }

        w.WriteEndElement();

        w.WriteStartElement("command", "parameters", CommandNs);
        foreach (ParameterDoc p in page.Parameters)
        {
            Parameter(w, p);
        }

        w.WriteEndElement();

        TypeList(w, "inputTypes", "inputType", page.Inputs);
        TypeList(w, "returnValues", "returnValue", page.Outputs);
        if (page.Notes.Count > 0)
        {
            w.WriteStartElement("maml", "alertSet", MamlNs);
            Paragraphs(w, "maml", "alert", MamlNs, page.Notes);
            w.WriteEndElement();
        }

        w.WriteStartElement("command", "examples", CommandNs);
        foreach ((string title, string code, List<string> remarks) in page.Examples)
        {
            w.WriteStartElement("command", "example", CommandNs);
            w.WriteElementString("maml", "title", MamlNs, $"--------- {title} ---------");
            w.WriteElementString("dev", "code", DevNs, code);
            Paragraphs(w, "dev", "remarks", DevNs, remarks);
            w.WriteEndElement();
        }

        w.WriteEndElement();

        w.WriteStartElement("command", "relatedLinks", CommandNs);
        foreach (string link in page.Links)
        {
            w.WriteStartElement("maml", "navigationLink", MamlNs);
            w.WriteElementString("maml", "linkText", MamlNs, link);
            w.WriteElementString("maml", "uri", MamlNs, string.Empty);
            w.WriteEndElement();
        }

        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void Parameter(XmlWriter w, ParameterDoc p)
    {
        string position = p.Meta.GetValueOrDefault("Position", "Named");
        string pipeline = p.Meta.GetValueOrDefault("Accept pipeline input", "False");
        w.WriteStartElement("command", "parameter", CommandNs);
        w.WriteAttributeString("required", p.Meta.GetValueOrDefault("Required", "False").ToLowerInvariant());
        w.WriteAttributeString("variableLength", p.Type.EndsWith("[]", StringComparison.Ordinal) ? "true" : "false");
        w.WriteAttributeString("globbing", p.Meta.GetValueOrDefault("Accept wildcard characters", "False").ToLowerInvariant());
        w.WriteAttributeString("pipelineInput", pipeline);
        w.WriteAttributeString("position", position == "Named" ? "named" : position);
        string aliases = p.Meta.GetValueOrDefault("Aliases", string.Empty);
        w.WriteAttributeString("aliases", aliases.Length == 0 ? "none" : aliases);
        w.WriteElementString("maml", "name", MamlNs, p.Name);
        Paragraphs(w, "maml", "description", MamlNs, new[] { p.Description });
        if (!p.IsSwitch)
        {
            w.WriteStartElement("command", "parameterValue", CommandNs);
            w.WriteAttributeString("required", "true");
            w.WriteAttributeString("variableLength", "false");
            w.WriteString(p.Type);
            w.WriteEndElement();
        }

        w.WriteStartElement("dev", "type", DevNs);
        w.WriteElementString("maml", "name", MamlNs, p.Type);
        w.WriteElementString("maml", "uri", MamlNs, string.Empty);
        w.WriteEndElement();
        w.WriteElementString("dev", "defaultValue", DevNs, p.Meta.GetValueOrDefault("Default value", "None"));
        w.WriteEndElement();
    }

    private static void TypeList(XmlWriter w, string list, string item, IEnumerable<string> types)
    {
        w.WriteStartElement("command", list, CommandNs);
        foreach (string type in types)
        {
            w.WriteStartElement("command", item, CommandNs);
            w.WriteStartElement("dev", "type", DevNs);
            w.WriteElementString("maml", "name", MamlNs, type);
            w.WriteEndElement();
            Paragraphs(w, "maml", "description", MamlNs, Array.Empty<string>());
            w.WriteEndElement();
        }

        w.WriteEndElement();
    }

    private static void Paragraphs(XmlWriter w, string prefix, string element, string ns, IEnumerable<string> paragraphs)
    {
        w.WriteStartElement(prefix, element, ns);
        foreach (string para in paragraphs)
        {
            w.WriteElementString("maml", "para", MamlNs, para);
        }

        w.WriteEndElement();
    }
}

/// <summary>Renders an about_ topic's markdown as the plain text Get-Help shows: headings in capitals, text indented.</summary>
internal static class AboutText
{
    private const int Width = 80;

    public static string Render(string markdown)
    {
        var sb = new StringBuilder();
        foreach (Block block in Markdown.Parse(markdown, new MarkdownPipelineBuilder().UsePipeTables().Build()))
        {
            switch (block)
            {
                case HeadingBlock h:
                    sb.AppendLine(h.Level == 1 ? "TOPIC" : CommandPage.Inline(h.Inline).ToUpperInvariant());
                    if (h.Level == 1)
                    {
                        sb.AppendLine("    " + CommandPage.Inline(h.Inline));
                    }

                    break;
                case ParagraphBlock p:
                    Wrap(sb, CommandPage.Inline(p.Inline), "    ", "    ");
                    break;
                case ListBlock list:
                    foreach (ListItemBlock item in list.Cast<ListItemBlock>())
                    {
                        Wrap(sb, string.Join(" ", item.OfType<ParagraphBlock>().Select(b => CommandPage.Inline(b.Inline))), "    - ", "      ");
                    }

                    break;
                case FencedCodeBlock or CodeBlock:
                    foreach (string line in ((LeafBlock)block).Lines.ToString().TrimEnd().Split('\n'))
                    {
                        sb.AppendLine("        " + line.TrimEnd());
                    }

                    break;
                case Markdig.Extensions.Tables.Table table:
                    foreach (Markdig.Extensions.Tables.TableRow row in table.Cast<Markdig.Extensions.Tables.TableRow>())
                    {
                        var cells = row.Cast<Markdig.Extensions.Tables.TableCell>().Select(c => string.Join(" ", c.OfType<ParagraphBlock>().Select(b => CommandPage.Inline(b.Inline))));
                        sb.AppendLine("    " + string.Join(" | ", cells));
                    }

                    break;
            }

            sb.AppendLine();
        }

        return sb.ToString().TrimEnd() + Environment.NewLine;
    }

    private static void Wrap(StringBuilder sb, string text, string first, string rest)
    {
        string prefix = first;
        var line = new StringBuilder();
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && prefix.Length + line.Length + 1 + word.Length > Width)
            {
                sb.Append(prefix).AppendLine(line.ToString());
                prefix = rest;
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        if (line.Length > 0)
        {
            sb.Append(prefix).AppendLine(line.ToString());
        }
    }
}
