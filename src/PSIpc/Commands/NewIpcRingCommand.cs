using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Creates a bounded producer-consumer ring in POSIX shared memory.</summary>
[Cmdlet(VerbsCommon.New, "IpcRing", SupportsShouldProcess = true, DefaultParameterSetName = "Default")]
[OutputType(typeof(IpcRing))]
public sealed class NewIpcRingCommand : IpcCmdlet
{
    /// <summary>The POSIX shared memory name: '/' and 1 to 255 characters with no other '/'.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>How many messages it holds (1 to 16777216; rounded up to a power of two).</summary>
    [Parameter(Mandatory = true)]
    public int Capacity { get; set; }

    /// <summary>The largest message in bytes (1 to 64 MiB).</summary>
    [Parameter(Mandatory = true)]
    public int MessageSize { get; set; }

    [Parameter]
    [ModeTransformation]
    public IpcFileMode Mode { get; set; } = new(0x180);

    /// <summary>Removes the ring when this session ends (the runspace closes or the module is removed), as a
    /// safety net for scripts that stop early.</summary>
    [Parameter]
    public SwitchParameter RemoveOnExit { get; set; }

    protected override void EndProcessing()
    {
        if (!ShouldProcess(Name, $"Create ring of {Capacity} x {MessageSize} bytes with mode {Mode}"))
        {
            return;
        }

        try
        {
            IpcRing ring = IpcRing.Create(Name, Capacity, MessageSize, Mode.Value);
            if (RemoveOnExit)
            {
                ExitRemoval.Schedule("/dev/shm" + ring.Name, ring.Remove);
            }

            WriteObject(ring);
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            string? id = e is ArgumentOutOfRangeException ? "InvalidRingSize"
                : e is ArgumentException ae ? ArgumentErrorId(ae, "InvalidRingSize")
                : null;
            ThrowIpcError(e, Name, $"Cannot create the ring {Name}", id);
        }
    }
}
