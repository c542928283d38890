using System;
using System.Management.Automation;
using PSIpc.Native;

namespace PSIpc;

/// <summary>Turns the module's exceptions into ErrorRecords: a stable id, the right category, the target, and a
/// sentence a user can act on.</summary>
internal static class ErrorHelper
{
    public static ErrorCategory CategoryOf(int errno)
    {
        if (errno == Errno.ENOENT || errno == Errno.ESRCH)
        {
            return ErrorCategory.ObjectNotFound;
        }

        if (errno == Errno.EACCES || errno == Errno.EPERM || errno == Errno.EROFS)
        {
            return ErrorCategory.PermissionDenied;
        }

        if (errno == Errno.EEXIST || errno == Errno.EADDRINUSE)
        {
            return ErrorCategory.ResourceExists;
        }

        if (errno == Errno.EINVAL || errno == Errno.EBADF || errno == Errno.ENOTDIR || errno == Errno.ENAMETOOLONG
            || errno == Errno.ELOOP || errno == Errno.EISDIR || errno == Errno.EMSGSIZE
            || errno == Errno.ERANGE || errno == Errno.EADDRNOTAVAIL)
        {
            return ErrorCategory.InvalidArgument;
        }

        if (errno == Errno.EAGAIN || errno == Errno.EBUSY)
        {
            return ErrorCategory.ResourceBusy;
        }

        if (errno == Errno.ETIMEDOUT)
        {
            return ErrorCategory.OperationTimeout;
        }

        if (errno == Errno.EPIPE || errno == Errno.ECONNRESET || errno == Errno.ECONNREFUSED || errno == Errno.ENXIO
            || errno == Errno.ENOTCONN || errno == Errno.ECONNABORTED || errno == Errno.ENETUNREACH || errno == Errno.EHOSTUNREACH)
        {
            return ErrorCategory.ConnectionError;
        }

        if (errno == Errno.EFBIG || errno == Errno.EOVERFLOW)
        {
            return ErrorCategory.LimitsExceeded;
        }

        if (errno == Errno.ENOSPC || errno == Errno.EMFILE || errno == Errno.ENFILE || errno == Errno.EDQUOT || errno == Errno.ENOMEM)
        {
            return ErrorCategory.ResourceUnavailable;
        }

        return ErrorCategory.NotSpecified;
    }

    /// <summary>What a user can do about an errno, in a sentence.</summary>
    public static string AdviceFor(int errno)
    {
        if (errno == Errno.ENOENT)
        {
            return "Check the path, or create the object first.";
        }

        if (errno == Errno.EACCES || errno == Errno.EPERM)
        {
            return "Check the object's owner and mode (ls -l), or ask its owner for access.";
        }

        if (errno == Errno.EEXIST)
        {
            return "Choose another name, or remove the existing object first.";
        }

        if (errno == Errno.EPIPE)
        {
            return "The reader has closed its end; start a reader and open the channel again.";
        }

        if (errno == Errno.ENAMETOOLONG)
        {
            return "Use a shorter path.";
        }

        if (errno == Errno.ENOTDIR)
        {
            return "A part of the path is not a directory.";
        }

        return string.Empty;
    }

    /// <summary>
    /// Builds the ErrorRecord for <paramref name="exception"/>. <paramref name="context"/> says what was being done
    /// ("Cannot open the FIFO '/tmp/f'"); it starts the ErrorDetails sentence.
    /// </summary>
    public static ErrorRecord ToRecord(Exception exception, object? target, string context, string? errorId = null)
    {
        string id;
        ErrorCategory category;
        string detail;
        switch (exception)
        {
            case NativeException ne:
                id = errorId ?? $"{ne.Function},{ne.ErrnoName}";
                category = CategoryOf(ne.Errno);
                detail = Join($"{context}: {ne.Message} ({ne.ErrnoName} from {ne.Function}).", AdviceFor(ne.Errno));
                break;
            case IpcTimeoutException te:
                id = errorId ?? te.ErrorId;
                category = ErrorCategory.OperationTimeout;
                detail = Join(context + ":", te.Message);
                break;
            case IpcProtocolException pe:
                id = errorId ?? pe.ErrorId;
                category = ErrorCategory.ProtocolError;
                detail = Join(context + ":", pe.Message);
                break;
            case IpcPathReplacedException re:
                id = errorId ?? "PathReplaced";
                category = ErrorCategory.SecurityError;
                detail = Join(context + ":", re.Message);
                break;
            case ObjectDisposedException:
                id = errorId ?? "ChannelClosed";
                category = ErrorCategory.ResourceUnavailable;
                detail = $"{context}: the channel is closed. Open a new one.";
                break;
            case ArgumentException ae:
                id = errorId ?? "InvalidArgument";
                category = ErrorCategory.InvalidArgument;
                detail = Join(context + ":", StripParamName(ae));
                break;
            case InvalidOperationException ie:
                id = errorId ?? "InvalidOperation";
                category = ErrorCategory.InvalidOperation;
                detail = Join(context + ":", ie.Message);
                break;
            default:
                id = errorId ?? exception.GetType().Name;
                category = ErrorCategory.NotSpecified;
                detail = Join(context + ":", exception.Message);
                break;
        }

        return new ErrorRecord(exception, id, category, target)
        {
            ErrorDetails = new ErrorDetails(detail),
        };
    }

    /// <summary>
    /// True for every exception by which the module reports a failure the user can act on (a libc call, a timeout, a
    /// peer's bad data, a replaced path, a bad argument, a closed channel, Ctrl+C): the cmdlets turn exactly these into
    /// ErrorRecords through <see cref="ToRecord"/>. Anything else is a bug, and is left to PowerShell to show as one.
    /// </summary>
    public static bool IsModuleFailure(Exception e) =>
        e is NativeException or IpcTimeoutException or IpcProtocolException or IpcPathReplacedException or ArgumentException
            or InvalidOperationException or OperationCanceledException or PlatformNotSupportedException
            or System.Net.Sockets.SocketException;

    /// <summary>An ErrorRecord for a check the cmdlet itself makes, with no exception behind it.</summary>
    public static ErrorRecord Create(string errorId, ErrorCategory category, object? target, string message)
    {
        Exception exception = category switch
        {
            ErrorCategory.ObjectNotFound => new ItemNotFoundException(message),
            ErrorCategory.InvalidArgument => new PSArgumentException(message),
            _ => new PSInvalidOperationException(message),
        };
        return new ErrorRecord(exception, errorId, category, target) { ErrorDetails = new ErrorDetails(message) };
    }

    private static string StripParamName(ArgumentException e)
    {
        string message = e.Message;
        int at = e.ParamName is null ? -1 : message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return at > 0 ? message.Substring(0, at) : message;
    }

    private static string Join(string first, string second) => second.Length == 0 ? first : first + " " + second;
}
