using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Threading;

namespace PSIpc.Commands;

/// <summary>
/// The base of every PSIpc cmdlet: a CancellationToken cancelled by StopProcessing (Ctrl+C), and error helpers that
/// turn the module's exceptions into ErrorRecords. Nothing here calls WriteObject or WriteError off the pipeline thread.
/// </summary>
public abstract class IpcCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
    protected CancellationToken CancelToken => _cancellation.Token;

    public void Dispose()
    {
        _cancellation.Dispose();
        GC.SuppressFinalize(this);
    }

    protected override void StopProcessing()
    {
        _cancellation.Cancel();
    }

    /// <summary>A per-item failure: written, and the cmdlet goes on with the next item.</summary>
    protected void WriteIpcError(Exception exception, object? target, string context, string? errorId = null)
    {
        ThrowIfStopping(exception);
        WriteError(ErrorHelper.ToRecord(exception, target, context, errorId));
    }

    /// <summary>A failure that ends the command.</summary>
    protected void ThrowIpcError(Exception exception, object? target, string context, string? errorId = null)
    {
        ThrowIfStopping(exception);
        ThrowTerminatingError(ErrorHelper.ToRecord(exception, target, context, errorId));
    }

    /// <summary>
    /// Runs one removal (of a queue, region, semaphore, ring...) and reports a failure as a per-item error, so the
    /// remaining items are still removed. ArgumentException (a bad name) gets the id InvalidName.
    /// </summary>
    protected void RemoveOne(Action remove, object target, string what)
    {
        try
        {
            remove();
        }
        catch (Exception e) when (ErrorHelper.IsModuleFailure(e))
        {
            WriteIpcError(e, target, $"Cannot remove the {what} {target}", e is ArgumentException ? "InvalidName" : null);
        }
    }

    /// <summary>
    /// The error id for an ArgumentException, after the argument it names (InvalidKey, InvalidPath, InvalidSize,
    /// InvalidName), so that an id names what was wrong; <paramref name="fallback"/> when it names none.
    /// </summary>
    protected static string ArgumentErrorId(ArgumentException e, string fallback) => e.ParamName switch
    {
        "key" => "InvalidKey",
        "path" => "InvalidPath",
        "size" or "capacity" or "messageSize" => "InvalidSize",
        "name" => "InvalidName",
        _ => fallback,
    };

    /// <summary>
    /// Ends the command when <paramref name="parameter"/> was used on a channel without the capability it needs, so an
    /// option is never silently ignored.
    /// </summary>
    protected void RequireCapability(
        IpcChannel channel, bool used, IpcChannelCapabilities needed, string parameter, string errorId = "OptionNotForChannel")
    {
        if (used && channel.OptionProblem(needed, parameter) is string problem)
        {
            ThrowTerminatingError(ErrorHelper.Create(errorId, ErrorCategory.InvalidArgument, channel, problem));
        }
    }

    /// <summary>Writes what a channel noted while it received or accepted, such as peers a server refused.</summary>
    protected void WriteChannelWarnings(IpcChannel channel)
    {
        foreach (string warning in channel.TakeWarnings())
        {
            WriteWarning(warning);
        }
    }

    /// <summary>User ids for names or numeric ids (-AllowUser); an unknown user ends the command.</summary>
    protected List<uint> ResolveUsers(IEnumerable<string> names)
    {
        var users = new List<uint>();
        foreach (string user in names)
        {
            if (uint.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out uint id) || UserNames.TryFind(user, out id))
            {
                users.Add(id);
            }
            else
            {
                ThrowTerminatingError(ErrorHelper.Create(
                    "UnknownUser", ErrorCategory.ObjectNotFound, user,
                    $"There is no user '{user}' (in /etc/passwd). Give a user name or a numeric id."));
            }
        }

        return users;
    }

    /// <summary>Cancellation by Ctrl+C is not an error: it stops the pipeline.</summary>
    protected void ThrowIfStopping(Exception exception)
    {
        if (exception is OperationCanceledException && _cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }
}
