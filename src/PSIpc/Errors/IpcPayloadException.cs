namespace PSIpc;

/// <summary>
/// One message arrived whole but its payload could not be decoded (invalid Json or CliXml): that message is lost, the
/// channel stays aligned on message boundaries and the next Receive goes on with the next message.
/// </summary>
public sealed class IpcPayloadException : IpcProtocolException
{
    public IpcPayloadException(string errorId, string message, System.Exception? inner)
        : base(errorId, message, inner!)
    {
    }
}
