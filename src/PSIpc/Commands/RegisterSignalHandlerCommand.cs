using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>
/// <para type="synopsis">Handles signals asynchronously: each delivery becomes a PowerShell engine event.</para>
/// <para type="description">With -Action the script block runs in the session between commands, with $Event and $EventArgs (Signal, Number, Timestamp); without it the events wait in the event queue under -SourceIdentifier, as with Register-EngineEvent. A handled SIGINT, SIGTERM, SIGQUIT or SIGHUP (or any other signal) no longer runs its default action; -RunDefaultAction lets it follow (a terminating signal then ends the process right after the event is queued, before an -Action can run).</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "SignalHandler", DefaultParameterSetName = "Default")]
[OutputType(typeof(SignalHandler))]
public sealed class RegisterSignalHandlerCommand : IpcCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [SignalTransformation]
    [ArgumentCompleter(typeof(SignalCompleter))]
    public SignalInfo[] Signal { get; set; } = Array.Empty<SignalInfo>();

    [Parameter(Position = 1)]
    public ScriptBlock? Action { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SourceIdentifier { get; set; }

    [Parameter]
    public PSObject? MessageData { get; set; }

    /// <summary>Lets the signal's default action run after the handler (by default a handled signal does not end the process).</summary>
    [Parameter]
    public SwitchParameter RunDefaultAction { get; set; }

    protected override void EndProcessing()
    {
        try
        {
            WriteObject(SignalHandler.Register(Events, Signal, Action, SourceIdentifier, MessageData, RunDefaultAction));
        }
        catch (ArgumentException e)
        {
            ThrowIpcError(e, string.Join(", ", (object[])Signal), "Cannot handle the signal", "UncatchableSignal");
        }
        catch (InvalidOperationException e)
        {
            ThrowTerminatingError(ErrorHelper.Create("SourceIdentifierInUse", ErrorCategory.ResourceExists, SourceIdentifier, e.Message));
        }
    }
}
