using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>
/// <para type="synopsis">Lists the platform's signals: name, number, default action, whether it can be caught.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "Signal", DefaultParameterSetName = "Default")]
[OutputType(typeof(SignalInfo))]
public sealed class GetSignalCommand : IpcCmdlet
{
    /// <summary>Names or numbers to show, with wildcards (USR*, 15); all signals unless given.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(SignalCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        foreach (SignalInfo s in SignalInfo.All)
        {
            if (Name is null || Matches(s))
            {
                WriteObject(s);
            }
        }
    }

    private bool Matches(SignalInfo s)
    {
        foreach (string n in Name!)
        {
            var pattern = new WildcardPattern(n, WildcardOptions.IgnoreCase);
            var prefixed = new WildcardPattern("SIG" + n, WildcardOptions.IgnoreCase);
            if (pattern.IsMatch(s.Name) || prefixed.IsMatch(s.Name) || n == s.Number.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return true;
            }
        }

        return false;
    }
}
