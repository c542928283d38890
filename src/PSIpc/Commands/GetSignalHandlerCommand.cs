using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Lists the signal handlers registered with Register-SignalHandler.</summary>
[Cmdlet(VerbsCommon.Get, "SignalHandler", DefaultParameterSetName = "Default")]
[OutputType(typeof(SignalHandler))]
public sealed class GetSignalHandlerCommand : IpcCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string? SourceIdentifier { get; set; }

    protected override void ProcessRecord()
    {
        var pattern = new WildcardPattern(SourceIdentifier ?? "*", WildcardOptions.IgnoreCase);
        foreach (SignalHandler h in SignalHandler.All)
        {
            if (pattern.IsMatch(h.SourceIdentifier))
            {
                WriteObject(h);
            }
        }
    }
}
