using System;
using System.Buffers.Binary;

namespace PSIpc;

/// <summary>
/// How one message travels as one kernel datagram (queue message, UDP datagram): Text and Bytes bare, so other
/// programs read them as written; CliXml and Json behind the 8-byte PSIpc header, so PSIpc peers decode them unasked.
/// </summary>
internal static class DatagramCodec
{
    /// <summary>The payload as it goes to the kernel: bare for Text and Bytes, with the frame header otherwise.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> payload, IpcEncoding encoding)
    {
        if (encoding is IpcEncoding.Text or IpcEncoding.Bytes)
        {
            return payload.ToArray();
        }

        byte[] framed = new byte[Frame.HeaderSize + payload.Length];
        Frame.WriteHeader(framed, encoding, payload.Length);
        payload.CopyTo(framed.AsSpan(Frame.HeaderSize));
        return framed;
    }

    /// <summary>
    /// How a received kernel message is read: a PSIpc header whose length matches says the encoding; anything else is
    /// Text, with the NUL padding of fixed-size C buffers (char text[100]) dropped.
    /// </summary>
    public static RawMessage Unwrap(byte[] data, int length, long? type, int? priority)
    {
        ReadOnlySpan<byte> span = data.AsSpan(0, length);
        if (length >= Frame.HeaderSize && span[0] == Frame.Magic0 && span[1] == Frame.Magic1 && span[2] == Frame.Version &&
            span[3] <= (byte)IpcEncoding.Json && BinaryPrimitives.ReadUInt32BigEndian(span.Slice(4, 4)) == (uint)(length - Frame.HeaderSize))
        {
            return new RawMessage(span.Slice(Frame.HeaderSize).ToArray(), length - Frame.HeaderSize, (IpcEncoding)span[3], type, priority);
        }

        int trimmed = length;
        while (trimmed > 0 && span[trimmed - 1] == 0)
        {
            trimmed--;
        }

        return new RawMessage(span.Slice(0, trimmed).ToArray(), trimmed, IpcEncoding.Text, type, priority);
    }

}
