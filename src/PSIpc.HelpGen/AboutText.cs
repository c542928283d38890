using System;
using System.Linq;
using System.Text;
using Markdig;
using Markdig.Syntax;

namespace PSIpc.HelpGen;

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
                        Wrap(
                            sb,
                            string.Join(" ", item.OfType<ParagraphBlock>().Select(b => CommandPage.Inline(b.Inline))),
                            "    - ",
                            "      ");
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
                        var cells = row.Cast<Markdig.Extensions.Tables.TableCell>().Select(
                            c => string.Join(" ", c.OfType<ParagraphBlock>().Select(b => CommandPage.Inline(b.Inline))));
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
