using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace PSIpc.Host;

/// <summary>The host's user interface: output to stdout, errors to stderr, prompts on stdin unless -NonInteractive.</summary>
internal sealed partial class ConsoleUI : PSHostUserInterface
{
    private readonly bool _nonInteractive;
    private readonly object _gate = new();

    public ConsoleUI(bool nonInteractive)
    {
        _nonInteractive = nonInteractive;
        RawUI = new ConsoleRawUI();
    }

    public override PSHostRawUserInterface RawUI { get; }

    /// <summary>True when output goes to a file or pipe (or NO_COLOR is set): escape sequences are removed.</summary>
    public static bool PlainText { get; } = Console.IsOutputRedirected || Environment.GetEnvironmentVariable("NO_COLOR") is not null;

    public override string ReadLine()
    {
        ThrowIfNonInteractive("read a line");
        return Console.In.ReadLine() ?? string.Empty;
    }

    public override SecureString ReadLineAsSecureString()
    {
        var secure = new SecureString();
        foreach (char c in ReadLine())
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    public override void Write(string value) => Out(value, newline: false);

    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Out(value, newline: false);

    public override void WriteLine(string value) => Out(value, newline: true);

    public override void WriteErrorLine(string value)
    {
        lock (_gate)
        {
            Console.Out.Flush();
            Console.Error.WriteLine(value);
            Console.Error.Flush();
        }
    }

    public override void WriteDebugLine(string message) => Out("DEBUG: " + message, newline: true);

    public override void WriteVerboseLine(string message) => Out("VERBOSE: " + message, newline: true);

    public override void WriteWarningLine(string message) => Out("WARNING: " + message, newline: true);

    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
        // Progress bars need a terminal; a non-interactive host has none to draw on.
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
    {
        ThrowIfNonInteractive("prompt for " + string.Join(", ", descriptions));
        var result = new Dictionary<string, PSObject>();
        foreach (FieldDescription field in descriptions)
        {
            Out($"{field.Name}: ", newline: false);
            result[field.Name] = PSObject.AsPSObject(Console.In.ReadLine() ?? string.Empty);
        }

        return result;
    }

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        PromptForCredential(caption, message, userName, targetName, PSCredentialTypes.Default, PSCredentialUIOptions.Default);

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
    {
        ThrowIfNonInteractive("prompt for a credential");
        if (string.IsNullOrEmpty(userName))
        {
            Out("User: ", newline: false);
            userName = Console.In.ReadLine() ?? string.Empty;
        }

        Out("Password: ", newline: false);
        return new PSCredential(userName, ReadLineAsSecureString());
    }

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        ThrowIfNonInteractive("ask: " + message);
        Out(caption, newline: true);
        Out(message, newline: true);
        while (true)
        {
            for (int i = 0; i < choices.Count; i++)
            {
                string label = choices[i].Label.Replace("&", string.Empty, StringComparison.Ordinal);
                Out($"[{i}] {label}{(i == defaultChoice ? " (default)" : string.Empty)}  ", newline: false);
            }

            Out(string.Empty, newline: true);
            string? answer = Console.In.ReadLine();
            if (answer is null)
            {
                return defaultChoice;
            }

            answer = answer.Trim();
            if (answer.Length == 0 && defaultChoice >= 0)
            {
                return defaultChoice;
            }

            for (int i = 0; i < choices.Count; i++)
            {
                string label = choices[i].Label;
                int amp = label.IndexOf('&', StringComparison.Ordinal);
                string hotkey = amp >= 0 && amp + 1 < label.Length ? label[amp + 1].ToString() : string.Empty;
                if (answer.Equals(hotkey, StringComparison.OrdinalIgnoreCase) ||
                    answer.Equals(label.Replace("&", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase) ||
                    answer == i.ToString(CultureInfo.InvariantCulture))
                {
                    return i;
                }
            }
        }
    }

    private void Out(string value, bool newline)
    {
        if (PlainText && value.Contains('\u001b', StringComparison.Ordinal))
        {
            value = AnsiEscape().Replace(value, string.Empty);
        }

        lock (_gate)
        {
            if (newline)
            {
                Console.Out.WriteLine(value);
            }
            else
            {
                Console.Out.Write(value);
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("\u001b\\[[0-9;?]*[ -/]*[@-~]")]
    private static partial System.Text.RegularExpressions.Regex AnsiEscape();

    private void ThrowIfNonInteractive(string what)
    {
        if (_nonInteractive)
        {
            throw new PSInvalidOperationException($"PSIpc.Host is running with -NonInteractive and cannot {what}. Pass the value as a parameter (for confirmations, -Confirm:$false or -Force).");
        }
    }
}

/// <summary>A fixed-size raw UI: enough for the formatter to lay out tables.</summary>
internal sealed class ConsoleRawUI : PSHostRawUserInterface
{
    private readonly int _width;

    public ConsoleRawUI()
    {
        _width = 120;
        string? columns = Environment.GetEnvironmentVariable("COLUMNS");
        if (int.TryParse(columns, NumberStyles.None, CultureInfo.InvariantCulture, out int c) && c > 20)
        {
            _width = c;
        }
        else if (!Console.IsOutputRedirected)
        {
            try
            {
                _width = Math.Max(Console.WindowWidth, 40);
            }
            catch (System.IO.IOException)
            {
            }
        }
    }

    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;

    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;

    public override Size BufferSize { get => new(_width, 9001); set { } }

    public override Coordinates CursorPosition { get; set; }

    public override int CursorSize { get; set; } = 25;

    public override bool KeyAvailable => false;

    public override Size MaxPhysicalWindowSize => new(_width, 50);

    public override Size MaxWindowSize => new(_width, 50);

    public override Coordinates WindowPosition { get; set; }

    public override Size WindowSize { get => new(_width, 50); set { } }

    public override string WindowTitle { get; set; } = "PSIpc.Host";

    public override void FlushInputBuffer()
    {
    }

    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException("This host has no screen buffer.");

    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException("This host cannot read single keys.");

    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) => throw new NotSupportedException("This host has no screen buffer.");

    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) => throw new NotSupportedException("This host has no screen buffer.");

    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) => throw new NotSupportedException("This host has no screen buffer.");
}
