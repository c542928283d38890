using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using System.Text.RegularExpressions;

namespace PSIpc.Host;

/// <summary>
/// PSIpc.Host: runs PowerShell scripts on the engine from NuGet, with pwsh's -NoProfile, -NonInteractive, -Command
/// and -File, output formatted by Out-Default through a real host UI, errors on stderr and pwsh's exit codes.
/// </summary>
internal static partial class Program
{
    private const int UsageError = 64;

    private static int Main(string[] args)
    {
        CommandLine? commandLine = CommandLine.Parse(args, out string? error);
        if (commandLine is null)
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(CommandLine.Usage);
            return UsageError;
        }

        if (commandLine.ShowHelp)
        {
            Console.WriteLine(CommandLine.Usage);
            return 0;
        }

        string script;
        bool commandMode;
        if (commandLine.File is { } file)
        {
            string full = Path.GetFullPath(file);
            if (!File.Exists(full))
            {
                Console.Error.WriteLine($"The argument '{file}' is not recognized as the name of a script file. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.");
                return UsageError;
            }

            // 'exit N' in a script file ends only the script and sets $LASTEXITCODE, which pwsh -File returns.
            script = "& " + Quote(full) + string.Concat(commandLine.FileArguments.Select(a => " " + ArgumentToken(a)))
                + "\n$global:__PSIpcHostExitCode = $LASTEXITCODE";
            commandMode = false;
        }
        else if (commandLine.Command is { } command)
        {
            script = command == "-" ? Console.In.ReadToEnd() : command;
            commandMode = true;
        }
        else if (Console.IsInputRedirected)
        {
            script = Console.In.ReadToEnd();
            commandMode = true;
        }
        else
        {
            Console.Error.WriteLine("PSIpc.Host has no interactive prompt: give -Command or -File.");
            Console.Error.WriteLine(CommandLine.Usage);
            return UsageError;
        }

        Console.OutputEncoding = new UTF8Encoding(false);
        return Run(script, commandMode, commandLine.NonInteractive);
    }

    private static int Run(string script, bool commandMode, bool nonInteractive)
    {
        var host = new ScriptHost(nonInteractive);
        InitialSessionState state = InitialSessionState.CreateDefault2();
        using Runspace runspace = RunspaceFactory.CreateRunspace(host, state);
        runspace.Open();
        if (ConsoleUI.PlainText)
        {
            PSStyle.Instance.OutputRendering = OutputRendering.PlainText;
        }
        Runspace.DefaultRunspace = runspace;

        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        // The trailer records $? of the script's last statement, which decides -Command's exit code.
        ps.AddScript(script + "\n$global:__PSIpcHostLastOk = $?");
        ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
        ps.AddCommand("Out-Default");

        bool stopped = false;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // Ctrl+C stops the running pipeline (each cmdlet's StopProcessing), as in pwsh; the process then exits.
            e.Cancel = true;
            stopped = true;
            ps.BeginStop(null, null);
        };
        Console.CancelKeyPress += onCancel;
        int exitCode = 0;
        try
        {
            ps.Invoke();
        }
        catch (RuntimeException e)
        {
            if (host.ExitCode is null && !stopped)
            {
                ShowError(runspace, e.ErrorRecord);
                exitCode = 1;
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        if (host.ExitCode is int code)
        {
            exitCode = code;
        }
        else if (stopped || ps.InvocationStateInfo.State == PSInvocationState.Stopped)
        {
            exitCode = 130;
        }
        else if (exitCode == 0 && commandMode && runspace.SessionStateProxy.GetVariable("__PSIpcHostLastOk") is false)
        {
            exitCode = 1;
        }
        else if (exitCode == 0 && !commandMode && runspace.SessionStateProxy.GetVariable("__PSIpcHostExitCode") is int fileExit)
        {
            exitCode = fileExit;
        }

        Console.Out.Flush();
        runspace.Close();
        return exitCode;
    }

    private static void ShowError(Runspace runspace, ErrorRecord record)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddCommand("Out-String");
        string text;
        try
        {
            text = string.Concat(ps.Invoke(new object[] { record }).Select(o => o?.ToString()));
        }
        catch (RuntimeException)
        {
            text = record.ToString();
        }

        Console.Out.Flush();
        Console.Error.WriteLine(text.TrimEnd());
    }

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>A -File argument: parameter names stay names (as pwsh binds them); everything else is a quoted string.</summary>
    private static string ArgumentToken(string arg) => ParameterName().IsMatch(arg) ? arg : Quote(arg);

    [GeneratedRegex(@"^-[A-Za-z_][A-Za-z0-9_]*:?$")]
    private static partial Regex ParameterName();
}
