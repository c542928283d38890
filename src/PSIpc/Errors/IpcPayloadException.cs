using System;

namespace PSIpc;

/// <summary>
/// One message arrived whole but its payload could not be decoded (invalid Json or CliXml): that message is lost, the
/// channel stays aligned on message boundaries and the next Receive goes on with the next message.
/// </summary>
public sealed class IpcPayloadException : IpcProtocolException
{
    public IpcPayloadException(string errorId, string message, Exception? inner)
        : base(errorId, message, inner!)
    {
    }

    /// <summary>The error for a message of <paramref name="length"/> bytes whose decoding failed with <paramref name="failure"/>.</summary>
    internal static IpcPayloadException ForMessage(Exception failure, IpcEncoding encoding, int length, IpcChannel? sender)
    {
        string id = (failure as IpcProtocolException)?.ErrorId ?? encoding switch
        {
            IpcEncoding.Json => "JsonInvalid",
            IpcEncoding.CliXml => "CliXmlInvalid",
            _ => "PayloadInvalid",
        };
        string from = sender is null ? string.Empty : $" from {sender}";
        return new IpcPayloadException(
            id, $"A {encoding} message of {length} bytes{from} could not be decoded and was discarded: {failure.Message}", failure);
    }
}
