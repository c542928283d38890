using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PSIpc.Native;

namespace PSIpc;

/// <summary>Turns the module's exceptions into ErrorRecords: a stable id, the right category, the target, and a
/// sentence a user can act on.</summary>
internal static class ErrorHelper
{
    // The one table of what an errno means to a user: its ErrorCategory, and what to do about it where one sentence
    // helps. An errno not listed is NotSpecified, with no advice.
    private static readonly Dictionary<int, (ErrorCategory Category, string Advice)> ByErrno =
        new (int Errno, ErrorCategory Category, string Advice)[]
    {
        (Errno.ENOENT, ErrorCategory.ObjectNotFound, "Check the path, or create the object first."),
        (Errno.ESRCH, ErrorCategory.ObjectNotFound, string.Empty),
        (Errno.EACCES, ErrorCategory.PermissionDenied, "Check the object's owner and mode (ls -l), or ask its owner for access."),
        (Errno.EPERM, ErrorCategory.PermissionDenied, "Check the object's owner and mode (ls -l), or ask its owner for access."),
        (Errno.EROFS, ErrorCategory.PermissionDenied, string.Empty),
        (Errno.EEXIST, ErrorCategory.ResourceExists, "Choose another name, or remove the existing object first."),
        (Errno.EADDRINUSE, ErrorCategory.ResourceExists, string.Empty),
        (Errno.EINVAL, ErrorCategory.InvalidArgument, string.Empty),
        (Errno.EBADF, ErrorCategory.InvalidArgument, string.Empty),
        (Errno.ENOTDIR, ErrorCategory.InvalidArgument, "A part of the path is not a directory."),
        (Errno.ENAMETOOLONG, ErrorCategory.InvalidArgument, "Use a shorter path."),
        (Errno.ELOOP, ErrorCategory.InvalidArgument, string.Empty),
        (Errno.EISDIR, ErrorCategory.InvalidArgument, string.Empty),
        (Errno.EMSGSIZE, ErrorCategory.InvalidArgument, string.Empty),
        (Errno.ERANGE, ErrorCategory.InvalidArgument, string.Empty),
        (Errno.EADDRNOTAVAIL, ErrorCategory.InvalidArgument, string.Empty),
        (Errno.EAGAIN, ErrorCategory.ResourceBusy, string.Empty),
        (Errno.EBUSY, ErrorCategory.ResourceBusy, string.Empty),
        (Errno.ETIMEDOUT, ErrorCategory.OperationTimeout, string.Empty),
        (Errno.EPIPE, ErrorCategory.ConnectionError, "The reader has closed its end; start a reader and open the channel again."),
        (Errno.ECONNRESET, ErrorCategory.ConnectionError, string.Empty),
        (Errno.ECONNREFUSED, ErrorCategory.ConnectionError, string.Empty),
        (Errno.ENXIO, ErrorCategory.ConnectionError, string.Empty),
        (Errno.ENOTCONN, ErrorCategory.ConnectionError, string.Empty),
        (Errno.ECONNABORTED, ErrorCategory.ConnectionError, string.Empty),
        (Errno.ENETUNREACH, ErrorCategory.ConnectionError, string.Empty),
        (Errno.EHOSTUNREACH, ErrorCategory.ConnectionError, string.Empty),
        (Errno.EFBIG, ErrorCategory.LimitsExceeded, string.Empty),
        (Errno.EOVERFLOW, ErrorCategory.LimitsExceeded, string.Empty),
        (Errno.ENOSPC, ErrorCategory.ResourceUnavailable, string.Empty),
        (Errno.EMFILE, ErrorCategory.ResourceUnavailable, string.Empty),
        (Errno.ENFILE, ErrorCategory.ResourceUnavailable, string.Empty),
        (Errno.EDQUOT, ErrorCategory.ResourceUnavailable, string.Empty),
        (Errno.ENOMEM, ErrorCategory.ResourceUnavailable, string.Empty),
    }.ToDictionary(e => e.Errno, e => (e.Category, e.Advice));

    public static ErrorCategory CategoryOf(int errno) =>
        ByErrno.TryGetValue(errno, out var meaning) ? meaning.Category : ErrorCategory.NotSpecified;

    /// <summary>What a user can do about an errno, in a sentence; empty where the message says enough.</summary>
    public static string AdviceFor(int errno) => ByErrno.TryGetValue(errno, out var meaning) ? meaning.Advice : string.Empty;

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
            case IpcProcessNotFoundException pe:
                id = errorId ?? pe.ErrorId;
                category = ErrorCategory.ObjectNotFound;
                detail = Join(context + ":", pe.Message);
                break;
            case IpcUnsafeDirectoryException ue:
                id = errorId ?? "UnsafeMailboxDirectory";
                category = ErrorCategory.SecurityError;
                detail = Join(context + ":", ue.Message);
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
            or IpcProcessNotFoundException or IpcUnsafeDirectoryException
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
