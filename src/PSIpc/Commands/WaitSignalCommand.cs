using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>
/// <para type="synopsis">Waits synchronously for one of the given signals and returns it.</para>
/// <para type="description">Blocks until a signal arrives, -Timeout passes (OperationTimeout) or Ctrl+C. From the first wait on, the signal is caught for this process (its default action no longer runs) and deliveries between waits are kept; Unregister-SignalHandler -Signal ends that.</para>
/// </summary>
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
