using System;
using System.Collections.Generic;
using System.Globalization;
using PSIpc.Native;

namespace PSIpc;

/// <summary>What a signal does when nobody handles it.</summary>
public enum SignalDefaultAction
{
    Terminate,
    Core,
    Ignore,
    Stop,
    Continue,
}

/// <summary>One of the platform's signals, as Get-Signal lists them.</summary>
public sealed class SignalInfo
{
    private static readonly Lazy<IReadOnlyList<SignalInfo>> AllSignals = new(Build);

    private SignalInfo(string name, int number, SignalDefaultAction action, string description)
    {
        Name = name;
        Number = number;
        DefaultAction = action;
        Description = description;
    }

    /// <summary>The name with the SIG prefix, such as SIGTERM.</summary>
    public string Name { get; }

    public int Number { get; }

    public SignalDefaultAction DefaultAction { get; }

    /// <summary>False for SIGKILL and SIGSTOP, which no process can catch.</summary>
    public bool CanCatch => Number is not (9 or 19);

    public string Description { get; }

    public static IReadOnlyList<SignalInfo> All => AllSignals.Value;

    /// <summary>
    /// Finds a signal by name (with or without SIG, any case: TERM, sigterm, SIGRTMIN+3) or number; throws
    /// ArgumentException naming what is accepted.
    /// </summary>
    public static SignalInfo Parse(object? value)
    {
        object? v = value is System.Management.Automation.PSObject pso ? pso.BaseObject : value;
        if (v is SignalInfo info)
        {
            return info;
        }

        string text = Convert.ToString(v, CultureInfo.InvariantCulture)?.Trim() ?? string.Empty;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
        {
            foreach (SignalInfo s in All)
            {
                if (s.Number == number)
                {
                    return s;
                }
            }

            throw new ArgumentException(
                $"{number} is not a signal number here; signals are 1 to {SignalsNative.RealTimeMax} (Get-Signal "
                + "lists them).");
        }

        string name = text.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? text : "SIG" + text;
        foreach (SignalInfo s in All)
        {
            if (string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return s;
            }
        }

        throw new ArgumentException(
            $"'{text}' is not a signal name. Use a name such as TERM, SIGUSR1 or RTMIN+2, or a number (Get-Signal "
            + "lists them).");
    }

    public override string ToString() => Name;

    private static IReadOnlyList<SignalInfo> Build()
    {
        var list = new List<SignalInfo>
        {
            new("SIGHUP", 1, SignalDefaultAction.Terminate, "Hangup: the controlling terminal closed, or reload configuration"),
            new("SIGINT", 2, SignalDefaultAction.Terminate, "Interrupt from the keyboard (Ctrl+C)"),
            new("SIGQUIT", 3, SignalDefaultAction.Core, "Quit from the keyboard (Ctrl+\\)"),
            new("SIGILL", 4, SignalDefaultAction.Core, "Illegal instruction"),
            new("SIGTRAP", 5, SignalDefaultAction.Core, "Trace or breakpoint trap"),
            new("SIGABRT", 6, SignalDefaultAction.Core, "Abort, from abort(3)"),
            new("SIGBUS", 7, SignalDefaultAction.Core, "Bus error: bad memory access"),
            new("SIGFPE", 8, SignalDefaultAction.Core, "Floating-point exception"),
            new("SIGKILL", 9, SignalDefaultAction.Terminate, "Kill: cannot be caught or ignored"),
            new("SIGUSR1", 10, SignalDefaultAction.Terminate, "User-defined signal 1"),
            new("SIGSEGV", 11, SignalDefaultAction.Core, "Invalid memory reference"),
            new("SIGUSR2", 12, SignalDefaultAction.Terminate, "User-defined signal 2"),
            new("SIGPIPE", 13, SignalDefaultAction.Terminate, "Write to a pipe with no readers"),
            new("SIGALRM", 14, SignalDefaultAction.Terminate, "Timer signal from alarm(2)"),
            new("SIGTERM", 15, SignalDefaultAction.Terminate, "Termination request"),
            new("SIGSTKFLT", 16, SignalDefaultAction.Terminate, "Stack fault on coprocessor (unused)"),
            new("SIGCHLD", 17, SignalDefaultAction.Ignore, "A child stopped or exited"),
            new("SIGCONT", 18, SignalDefaultAction.Continue, "Continue if stopped"),
            new("SIGSTOP", 19, SignalDefaultAction.Stop, "Stop the process: cannot be caught or ignored"),
            new("SIGTSTP", 20, SignalDefaultAction.Stop, "Stop typed at the terminal (Ctrl+Z)"),
            new("SIGTTIN", 21, SignalDefaultAction.Stop, "Terminal input for a background process"),
            new("SIGTTOU", 22, SignalDefaultAction.Stop, "Terminal output for a background process"),
            new("SIGURG", 23, SignalDefaultAction.Ignore, "Urgent condition on a socket"),
            new("SIGXCPU", 24, SignalDefaultAction.Core, "CPU time limit exceeded"),
            new("SIGXFSZ", 25, SignalDefaultAction.Core, "File size limit exceeded"),
            new("SIGVTALRM", 26, SignalDefaultAction.Terminate, "Virtual alarm clock"),
            new("SIGPROF", 27, SignalDefaultAction.Terminate, "Profiling timer expired"),
            new("SIGWINCH", 28, SignalDefaultAction.Ignore, "Window resize"),
            new("SIGIO", 29, SignalDefaultAction.Terminate, "I/O now possible"),
            new("SIGPWR", 30, SignalDefaultAction.Terminate, "Power failure"),
            new("SIGSYS", 31, SignalDefaultAction.Core, "Bad system call"),
        };
        int min = SignalsNative.RealTimeMin;
        int max = SignalsNative.RealTimeMax;
        for (int n = min; n <= max; n++)
        {
            string name = n == min ? "SIGRTMIN"
                : n == max ? "SIGRTMAX"
                : n - min <= max - n ? $"SIGRTMIN+{n - min}"
                : $"SIGRTMAX-{max - n}";
            list.Add(new SignalInfo(name, n, SignalDefaultAction.Terminate, "Real-time signal (queued, with a value)"));
        }

        return list;
    }
}
