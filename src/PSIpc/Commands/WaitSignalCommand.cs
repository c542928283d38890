using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Waits synchronously for one of the given signals and returns it.</summary>
[Cmdlet(VerbsLifecycle.Wait, "Signal", DefaultParameterSetName = "Default")]
[OutputType(typeof(SignalEvent))]
public sealed class WaitSignalCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [SignalTransformation]
    [ArgumentCompleter(typeof(SignalCompleter))]
    public SignalInfo[] Signal { get; set; } = Array.Empty<SignalInfo>();

    [Parameter]
    [TimeoutTransformation]
    public TimeSpan? Timeout { get; set; }

    protected override void EndProcessing()
    {
        try
        {
            WriteObject(SignalWaiter.Wait(Signal, Timeout, CancelToken));
        }
        catch (ArgumentException e)
        {
            ThrowIpcError(e, string.Join(", ", (object[])Signal), "Cannot wait for the signal", "UncatchableSignal");
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            ThrowIpcError(e, string.Join(", ", (object[])Signal), "No signal arrived");
        }
    }
}
