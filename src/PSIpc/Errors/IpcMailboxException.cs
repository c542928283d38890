using System;
using System.IO;

namespace PSIpc;

/// <summary>
/// A direct send found no one to deliver to: the process does not exist, or has no PSIpc mailbox (it never called
/// Open-IpcMailbox, or closed it). ErrorId says which: NoSuchProcess or NoMailbox.
/// </summary>
public sealed class IpcProcessNotFoundException : IOException
{
    public IpcProcessNotFoundException(int processId, string errorId, string message)
        : base(message)
    {
        ProcessId = processId;
        ErrorId = errorId;
    }

    /// <summary>The process that was named.</summary>
    public int ProcessId { get; }

    public string ErrorId { get; }
}

/// <summary>
/// A mailbox directory that is not what PSIpc makes (a real directory, owned by its user, mode 0700 or 0710 with an
/// ACL, in a parent others cannot replace it in), so nothing was bound in it or sent through it.
/// </summary>
public sealed class IpcUnsafeDirectoryException : UnauthorizedAccessException
{
    public IpcUnsafeDirectoryException(string path, string problem)
        : base($"The mailbox directory '{path}' {problem}, so PSIpc does not use it: another user could read or replace "
            + "what is in it. Remove it (PSIpc makes it again, mode 0700), or set PSIPC_MAILBOX_ROOT to a directory only you can write.")
    {
        Path = path;
    }

    /// <summary>The directory refused.</summary>
    public string Path { get; }
}
