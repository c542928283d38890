using System;
using System.Globalization;
using System.Management.Automation;
using PSIpc.Native;

namespace PSIpc.Commands;

/// <summary>Sends a signal to processes (kill, or sigqueue with -Value).</summary>
[Cmdlet(
    VerbsCommunications.Send,
    "Signal",
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = "Default")]
[OutputType(typeof(SignalEvent))]
public sealed class SendSignalCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ProcessId", "Pid")]
    public int[] Id { get; set; } = Array.Empty<int>();

    [Parameter(Position = 1)]
    [SignalTransformation]
    [ArgumentCompleter(typeof(SignalCompleter))]
    public SignalInfo[] Signal { get; set; } = { SignalInfo.Parse("SIGTERM") };

    /// <summary>A value the receiver gets in si_value (sends with sigqueue).</summary>
    [Parameter]
    public int? Value { get; set; }

    /// <summary>Emits what was sent.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        SignalInfo signal = Signal[0];
        foreach (int pid in Id)
        {
            string target = "process " + pid.ToString(CultureInfo.InvariantCulture);
            if (pid <= 0)
            {
                // kill(2) reads 0 as the caller's process group and -1 as every process it may signal: never a process id.
                string what = pid == 0 ? "this process's whole process group"
                    : pid == -1 ? "every process you may signal"
                    : $"the process group {-pid}";
                WriteError(ErrorHelper.Create("InvalidProcessId", ErrorCategory.InvalidArgument, pid,
                    $"Cannot send {signal.Name} to {pid}: a process id is 1 or more, and kill(2) would read {pid} "
                    + $"as {what}. Give the id of one process."));
                continue;
            }

            if (!ShouldProcess(target, "Send "
                + $"{signal.Name}{(Value is int v ? " with value " + v.ToString(CultureInfo.InvariantCulture) : string.Empty)}"))
            {
                continue;
            }

            try
            {
                if (Value is int value)
                {
                    SignalsNative.Queue(pid, signal.Number, value);
                }
                else
                {
                    SignalsNative.Kill(pid, signal.Number);
                }
            }
            catch (NativeException e)
            {
                string advice = e.Errno == Errno.ESRCH ? " There is no such process (it may have exited)."
                    : e.Errno == Errno.EPERM ? " You may signal only your own processes unless you are root."
                    : string.Empty;
                WriteIpcError(e, pid, $"Cannot send {signal.Name} to {target}.{advice}");
                continue;
            }

            if (PassThru)
            {
                WriteObject(new PSObject(new { ProcessId = pid, Signal = signal.Name, Number = signal.Number, Value }));
            }
        }
    }
}
