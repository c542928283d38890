using System;
using System.Collections.Generic;

namespace PSIpc.Host;

/// <summary>The subset of pwsh's command line this host accepts.</summary>
internal sealed class CommandLine
{
    public bool NoProfile { get; private set; }

    public bool NonInteractive { get; private set; }

    /// <summary>The script text of -Command ("-" means read it from standard input).</summary>
    public string? Command { get; private set; }

    /// <summary>The script file of -File.</summary>
    public string? File { get; private set; }

    /// <summary>Arguments after -File's path.</summary>
    public List<string> FileArguments { get; } = new();

    public bool ShowHelp { get; private set; }

    /// <summary>Parses arguments; returns null and an error text when they are not understood.</summary>
    public static CommandLine? Parse(IReadOnlyList<string> args, out string? error)
    {
        var result = new CommandLine();
        error = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith('-') || arg.Length < 2)
            {
                // pwsh treats a first bare argument as -File, a later one as part of -Command; keep to -File.
                if (result.Command is null && result.File is null)
                {
                    result.File = arg;
                    result.FileArguments.AddRange(Rest(args, i + 1));
                    return result;
                }

                error = $"Unexpected argument '{arg}'.";
                return null;
            }

            string name = arg.TrimStart('-');
            if (Matches(name, "NoProfile", 3))
            {
                result.NoProfile = true;
            }
            else if (Matches(name, "NonInteractive", 4))
            {
                result.NonInteractive = true;
            }
            else if (Matches(name, "NoLogo", 3))
            {
            }
            else if (Matches(name, "ExecutionPolicy", 2))
            {
                // Execution policy has no effect on Linux; accept and ignore its value as pwsh does.
                if (++i >= args.Count)
                {
                    error = "-ExecutionPolicy needs a value.";
                    return null;
                }
            }
            else if (Matches(name, "Command", 1))
            {
                if (i + 1 >= args.Count)
                {
                    error = "-Command needs a value: a script, or - to read it from standard input.";
                    return null;
                }

                result.Command = string.Join(' ', Rest(args, i + 1));
                return result;
            }
            else if (Matches(name, "File", 1))
            {
                if (i + 1 >= args.Count)
                {
                    error = "-File needs the path of a script.";
                    return null;
                }

                result.File = args[i + 1];
                result.FileArguments.AddRange(Rest(args, i + 2));
                return result;
            }
            else if (name is "?" or "h" || Matches(name, "Help", 1))
            {
                result.ShowHelp = true;
            }
            else
            {
                error = $"'{arg}' is not a parameter this host knows. It accepts -NoProfile, -NonInteractive, -NoLogo, -ExecutionPolicy, -Command and -File.";
                return null;
            }
        }

        return result;
    }

    public const string Usage = """
        Usage: PSIpc.Host [-NoProfile] [-NonInteractive] [-Command <script> | -Command - | -File <path> [args]]

        A small PowerShell host for machines without pwsh; it accepts this subset of pwsh's command line.
          -NoProfile        accepted (this host never runs profiles)
          -NonInteractive   refuse to prompt (confirmation and Read-Host fail instead of waiting)
          -Command <text>   run the text; '-' reads the script from standard input
          -File <path>      run a script file with the arguments that follow
        Exit code: as pwsh: 'exit N' gives N; -Command gives 1 when the last statement failed; an unhandled error gives 1;
        Ctrl+C (SIGINT) stops the running pipeline and exits with 130; bad arguments exit with 64.
        """;

    private static bool Matches(string given, string full, int minimum) =>
        given.Length >= minimum && full.StartsWith(given, StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<string> Rest(IReadOnlyList<string> args, int from)
    {
        for (int i = from; i < args.Count; i++)
        {
            yield return args[i];
        }
    }
}
