using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Lists the platform's signals: name, number, default action, whether it can be caught.</summary>
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
        if (Name is null)
        {
            foreach (SignalInfo s in SignalInfo.All)
            {
                WriteObject(s);
            }

            return;
        }

        // Each name on its own, as Get-Process does: a name without wildcards that matches nothing is an error.
        var seen = new System.Collections.Generic.HashSet<int>();
        foreach (string n in Name)
        {
            bool found = false;
            foreach (SignalInfo s in SignalInfo.All)
            {
                if (Matches(n, s))
                {
                    found = true;
                    if (seen.Add(s.Number))
                    {
                        WriteObject(s);
                    }
                }
            }

            if (!found && !WildcardPattern.ContainsWildcardCharacters(n))
            {
                WriteError(ErrorHelper.Create("SignalNotFound", ErrorCategory.ObjectNotFound, n,
                    $"There is no signal '{n}' on this platform. Get-Signal lists them all; names go with or "
                    + "without SIG (TERM, SIGTERM) or as numbers (15)."));
            }
        }
    }

    private static bool Matches(string n, SignalInfo s)
    {
        var pattern = new WildcardPattern(n, WildcardOptions.IgnoreCase);
        var prefixed = new WildcardPattern("SIG" + n, WildcardOptions.IgnoreCase);
        return pattern.IsMatch(s.Name) || prefixed.IsMatch(s.Name) || n == s.Number.ToString(
            System.Globalization.CultureInfo.InvariantCulture);
    }
}
