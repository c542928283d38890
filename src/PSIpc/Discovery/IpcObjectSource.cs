using System;
using System.Collections.Generic;
using System.Linq;

namespace PSIpc;

/// <summary>
/// Finds and removes one kind of IPC object on the machine, for Get-IpcObject and Remove-IpcObject. Each mechanism's
/// folder has its own; they are found by reflection, so a new kind of object needs no edit here or in the commands.
/// </summary>
internal abstract class IpcObjectSource
{
    private static readonly Lazy<IReadOnlyList<IpcObjectSource>> Sources = new(() => typeof(IpcObjectSource).Assembly
        .GetTypes()
        .Where(t => t.IsSubclassOf(typeof(IpcObjectSource)) && !t.IsAbstract)
        .Select(t => (IpcObjectSource)Activator.CreateInstance(t)!)
        .OrderBy(s => s.Order)
        .ToList());

    /// <summary>Every source, in the order ipcs lists objects (queues, segments, semaphores), then the rest.</summary>
    public static IReadOnlyList<IpcObjectSource> All => Sources.Value;

    /// <summary>Every kind some source lists, for -Kind's completion and validation.</summary>
    public static IEnumerable<string> Kinds => All.Select(s => s.Kind);

    /// <summary>The value of <see cref="IpcObject.Kind"/> this source lists.</summary>
    public abstract string Kind { get; }

    /// <summary>Where its objects come in Get-IpcObject's output (lower first).</summary>
    public abstract int Order { get; }

    /// <summary>False when its objects cannot be removed from outside (file locks).</summary>
    public virtual bool CanRemove => true;

    /// <summary>The objects that exist now; a source skips what it cannot read rather than failing.</summary>
    public abstract IEnumerable<IpcObject> List();

    /// <summary>Removes one object this source listed.</summary>
    public abstract void Remove(IpcObject item);
}

/// <summary>
/// A kind with a System V facility (a /proc/sysvipc table) and a POSIX one (files such as /dev/shm): queues, shared
/// memory, semaphores. Lists the System V objects first, as ipcs does, and removes each by its own facility.
/// </summary>
internal abstract class SysVAndPosixObjects : IpcObjectSource
{
    /// <summary>The /proc/sysvipc table, such as /proc/sysvipc/msg.</summary>
    private protected abstract string Table { get; }

    public override IEnumerable<IpcObject> List() =>
        ProcTables.Rows(Table).Select(FromRow).Concat(PosixObjects());

    public override void Remove(IpcObject item)
    {
        if (item.Facility == "SystemV")
        {
            RemoveSysV(item.Id!.Value);
        }
        else
        {
            RemovePosix(item.Name!);
        }
    }

    /// <summary>One object from the fields of its row in <see cref="Table"/>.</summary>
    private protected abstract IpcObject FromRow(string[] fields);

    private protected abstract IEnumerable<IpcObject> PosixObjects();

    private protected abstract void RemoveSysV(int id);

    private protected abstract void RemovePosix(string name);
}
