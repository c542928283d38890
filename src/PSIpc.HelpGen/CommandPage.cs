using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace PSIpc.HelpGen;

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
        if (!text.StartsWith("---", StringComparison.Ordinal)
            || !text.Contains("external help file: PSIpc.dll-Help.xml", StringComparison.Ordinal))
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
                        string entry = "- " + string.Join(
                            " ", ((ListItemBlock)item).OfType<ParagraphBlock>().Select(b => Inline(b.Inline)));
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
