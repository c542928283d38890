using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>
/// The shape every Remove- cmdlet shares: objects from the pipeline (or names) are confirmed one by one with
/// ShouldProcess, and a failure is written for that item while the others are still removed.
/// </summary>
/// <typeparam name="T">What the cmdlet removes, as the pipeline gives it.</typeparam>
public abstract class RemoveCommandBase<T> : IpcCmdlet
    where T : class
{
    /// <summary>What one item is called in messages and -WhatIf ("ring", "message queue").</summary>
    private protected abstract string What { get; }

    /// <summary>The items bound in this invocation (none when names were given).</summary>
    private protected abstract IEnumerable<T> Items();

    /// <summary>The names bound in this invocation, for the by-name parameter set.</summary>
    private protected virtual IEnumerable<string> Names() => Enumerable.Empty<string>();

    private protected abstract void Remove(T item);

    /// <summary>Removes an object given by name; only the cmdlets with a -Name parameter have names to remove.</summary>
    private protected virtual void RemoveByName(string name) =>
        throw new System.NotSupportedException($"A {What} is not removed by name.");

    /// <summary>How -WhatIf and -Confirm name the item.</summary>
    private protected virtual string Describe(T item) => item.ToString() ?? What;

    /// <summary>Why this item must be left alone, or null to go on (a file lock, a path that is no longer a FIFO).</summary>
    private protected virtual ErrorRecord? Refuse(T item) => null;

    protected override void ProcessRecord()
    {
        foreach (string name in Names())
        {
            if (ShouldProcess(name, $"Remove {What}"))
            {
                RemoveOne(() => RemoveByName(name), name, What);
            }
        }

        foreach (T item in Items())
        {
            if (Refuse(item) is ErrorRecord refusal)
            {
                WriteError(refusal);
            }
            else if (ShouldProcess(Describe(item), $"Remove {What}"))
            {
                RemoveOne(() => Remove(item), item, What);
            }
        }
    }
}

/// <summary>A Remove- cmdlet that also takes POSIX names (-Name), for objects this process has not opened.</summary>
/// <typeparam name="T">What the cmdlet removes, as the pipeline gives it.</typeparam>
public abstract class RemoveNamedCommandBase<T> : RemoveCommandBase<T>
    where T : class
{
    /// <summary>The POSIX names to remove, such as /jobs.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PosixObjectNameCompleter))]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    private protected override IEnumerable<string> Names() => Name;

    private protected abstract override void RemoveByName(string name);
}
