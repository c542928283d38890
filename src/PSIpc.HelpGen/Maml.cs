using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Xml;

namespace PSIpc.HelpGen;

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
