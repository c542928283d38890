using System.IO;

namespace PSIpc;

/// <summary>The bytes on a channel do not form a valid message: a bad frame header, a frame cut by the peer, a
/// payload that does not decode.</summary>
public class IpcProtocolException : IOException
{
    public IpcProtocolException(string errorId, string message)
        : base(message)
    {
        ErrorId = errorId;
    }

    public IpcProtocolException(string errorId, string message, System.Exception inner)
        : base(message, inner)
    {
        ErrorId = errorId;
    }

    /// <summary>The stable error id used in the ErrorRecord, such as <c>FrameTruncated</c>.</summary>
    public string ErrorId { get; }
}
