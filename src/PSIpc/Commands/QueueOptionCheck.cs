using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>-Type, -Priority and -NoWait belong to queues: on other channels they are an invocation error, not silently ignored.</summary>
internal static class QueueOptionCheck
{
    /// <summary>Checks the options; on receive, -NoWait applies to every channel (nothing complete waiting ends the command).</summary>
    public static void Check(PSCmdlet cmdlet, IpcChannel channel, bool type, bool priority, bool noWait, bool receive = false)
    {
        string? problem = null;
        if (type && channel is not SysVMessageQueue)
        {
            problem = "-Type selects System V queue messages";
        }
        else if (priority && channel is not PosixMessageQueue)
        {
            problem = "-Priority applies to POSIX queues";
        }
        else if (noWait && !receive && channel is not (IpcMessageQueue or IpcRing))
        {
            problem = "-NoWait on send applies to message queues and rings";
        }

        if (problem is not null)
        {
            cmdlet.ThrowTerminatingError(ErrorHelper.Create(
                "OptionNotForChannel",
                ErrorCategory.InvalidArgument,
                channel,
                $"{problem}; {channel} is a {channel.Kind}. Leave it out, or use a message queue or ring."));
        }
    }
}
