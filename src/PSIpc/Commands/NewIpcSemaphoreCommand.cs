using System;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>Creates a POSIX named semaphore.</summary>
[Cmdlet(VerbsCommon.New, "IpcSemaphore", SupportsShouldProcess = true, DefaultParameterSetName = "Default")]
[OutputType(typeof(IpcSemaphore))]
public sealed class NewIpcSemaphoreCommand : IpcCmdlet
{
    /// <summary>The name: '/' and 1 to 251 characters with no other '/'.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>The starting value, 0 to 2147483647 (1 unless given).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int InitialCount { get; set; } = 1;

    [Parameter]
    [ModeTransformation]
    public IpcFileMode Mode { get; set; } = new(0x180);

    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Removes the semaphore when this session ends (the runspace closes or the module is removed), as
    /// a safety net for scripts that stop early.</summary>
    [Parameter]
    public SwitchParameter RemoveOnExit { get; set; }

    protected override void EndProcessing()
    {
        if (!ShouldProcess(Name, $"Create semaphore with value {InitialCount} and mode {Mode}"))
        {
            return;
        }

        try
        {
            IpcSemaphore semaphore = IpcSemaphore.Create(Name, (uint)InitialCount, Mode.Value, Force);
            if (RemoveOnExit)
            {
                ExitRemoval.Schedule(semaphore.Path, semaphore.Remove);
            }

            WriteObject(semaphore);
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            ThrowIpcError(e, Name, $"Cannot create the semaphore {Name}", e is ArgumentException ? "InvalidName" : null);
        }
    }
}
