using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Handles signals asynchronously: each delivery becomes a PowerShell engine event.</summary>
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
