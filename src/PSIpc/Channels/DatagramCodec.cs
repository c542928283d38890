using System;
using System.Buffers;
using System.Buffers.Binary;

namespace PSIpc;

/// <summary>
/// How one message travels as one kernel datagram (queue message, UDP datagram): Text and Bytes bare, so other
/// programs read them as written; CliXml and Json behind the 8-byte PSIpc header, so PSIpc peers decode them unasked.
/// </summary>
internal static class DatagramCodec
{
    /// <summary>
    /// The payload as it goes to the kernel (bare for Text and Bytes, with the frame header otherwise), written once into
    /// a pooled buffer after <paramref name="prefix"/> bytes the caller fills (msgsnd's mtype). Dispose returns it.
    /// </summary>
    public static RentedDatagram Rent(ReadOnlySpan<byte> payload, IpcEncoding encoding, int prefix = 0)
    {
        int length = WrappedLength(payload.Length, encoding);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(prefix + length);
        WrapInto(buffer.AsSpan(prefix), payload, encoding);
        return new RentedDatagram(buffer, prefix, length);
    }

    /// <summary>
    /// As <see cref="Rent"/>, for a message whose sender waits for a receipt: always behind the header, with the
    /// receipt-request flag and <paramref name="sequence"/> before the payload.
    /// </summary>
    public static RentedDatagram RentReceiptRequest(ReadOnlySpan<byte> payload, IpcEncoding encoding, long sequence)
    {
        int length = ReceiptRequestLength(payload.Length);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        Frame.WriteReceiptRequest(buffer, encoding, payload.Length, sequence);
        payload.CopyTo(buffer.AsSpan(Frame.HeaderSize + Frame.SequenceSize));
        return new RentedDatagram(buffer, 0, length);
    }

    /// <summary>How many bytes a message that asks for a receipt takes.</summary>
    public static int ReceiptRequestLength(int payloadLength) => Frame.HeaderSize + Frame.SequenceSize + payloadLength;

    /// <summary>How many bytes the wrapped message takes.</summary>
    public static int WrappedLength(int payloadLength, IpcEncoding encoding) =>
        encoding is IpcEncoding.Text or IpcEncoding.Bytes ? payloadLength : Frame.HeaderSize + payloadLength;

    private static void WrapInto(Span<byte> destination, ReadOnlySpan<byte> payload, IpcEncoding encoding)
    {
        if (encoding is IpcEncoding.Text or IpcEncoding.Bytes)
        {
            payload.CopyTo(destination);
            return;
        }

        Frame.WriteHeader(destination, encoding, payload.Length);
        payload.CopyTo(destination.Slice(Frame.HeaderSize));
    }

    /// <summary>
    /// How a received kernel message is read: a PSIpc header whose length matches says the encoding; anything else is
    /// bare Text, whose NUL padding of fixed-size C buffers (char text[100]) Receive drops unless Bytes is asked for.
    /// </summary>
    public static RawMessage Unwrap(ReadOnlySpan<byte> span, long? type, int? priority)
    {
        int length = span.Length;
        if (TryUnwrapReceiptRequest(span, out IpcEncoding flagged, out _))
        {
            int payload = length - Frame.HeaderSize - Frame.SequenceSize;
            return new RawMessage(span.Slice(length - payload).ToArray(), payload, flagged, type, priority);
        }

        if (IsHeader(span) && span[3] <= (byte)IpcEncoding.Json)
        {
            return new RawMessage(span.Slice(Frame.HeaderSize).ToArray(), length - Frame.HeaderSize, (IpcEncoding)span[3], type, priority);
        }

        // Bare: kept whole, so Bytes gets every byte (zeros at the end too); decoding as text drops the padding.
        return new RawMessage(span.ToArray(), length, IpcEncoding.Text, type, priority) { Bare = true };
    }

    /// <summary>The length of <paramref name="payload"/> without the NUL padding of a fixed-size C buffer (char text[100]).</summary>
    public static int WithoutPadding(ReadOnlySpan<byte> payload)
    {
        int trimmed = payload.Length;
        while (trimmed > 0 && payload[trimmed - 1] == 0)
        {
            trimmed--;
        }

        return trimmed;
    }

    /// <summary>A message that asks for a receipt (a PSIpc header with the flag, whose length matches): its encoding and number.</summary>
    public static bool TryUnwrapReceiptRequest(ReadOnlySpan<byte> span, out IpcEncoding encoding, out long sequence)
    {
        encoding = default;
        sequence = 0;
        if (!IsHeader(span) || (span[3] & ~Frame.ReceiptRequested) > (byte)IpcEncoding.Json || (span[3] & Frame.ReceiptRequested) == 0
            || span.Length < Frame.HeaderSize + Frame.SequenceSize)
        {
            return false;
        }

        encoding = (IpcEncoding)(span[3] & ~Frame.ReceiptRequested);
        sequence = Frame.ReadSequence(span.Slice(Frame.HeaderSize));
        return true;
    }

    /// <summary>A receipt datagram: the sequence number of the message taken.</summary>
    public static bool TryReadReceipt(ReadOnlySpan<byte> span, out long sequence)
    {
        bool receipt = span.Length == Frame.ReceiptSize && IsHeader(span) && span[3] == Frame.Receipt;
        sequence = receipt ? Frame.ReadSequence(span.Slice(Frame.HeaderSize)) : 0;
        return receipt;
    }

    /// <summary>Magic, version and a length that matches the datagram's.</summary>
    private static bool IsHeader(ReadOnlySpan<byte> span) =>
        span.Length >= Frame.HeaderSize && span[0] == Frame.Magic0 && span[1] == Frame.Magic1 && span[2] == Frame.Version
        && BinaryPrimitives.ReadUInt32BigEndian(span.Slice(4, 4)) == (uint)(span.Length - Frame.HeaderSize);
}

/// <summary>A wrapped message in a pooled buffer: <see cref="Message"/> starts after the caller's prefix.</summary>
internal readonly ref struct RentedDatagram
{
    public RentedDatagram(byte[] buffer, int prefix, int length)
    {
        Buffer = buffer;
        Prefix = prefix;
        Length = length;
    }

    /// <summary>The pooled buffer: the prefix, then the message; longer than both.</summary>
    public byte[] Buffer { get; }

    public int Prefix { get; }

    /// <summary>The message's length, without the prefix.</summary>
    public int Length { get; }

    public ReadOnlySpan<byte> Message => Buffer.AsSpan(Prefix, Length);

    public void Dispose() => ArrayPool<byte>.Shared.Return(Buffer);
}
