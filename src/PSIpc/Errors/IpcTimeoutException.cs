using System;

namespace PSIpc;

/// <summary>A wait ran past its -Timeout.</summary>
public sealed class IpcTimeoutException : TimeoutException
{
    public IpcTimeoutException(string errorId, string message)
        : base(message)
    {
        ErrorId = errorId;
    }

    /// <summary>The stable error id used in the ErrorRecord, such as <c>FifoOpenTimeout</c>.</summary>
    public string ErrorId { get; }
}
