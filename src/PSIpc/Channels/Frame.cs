using System;
using System.Buffers.Binary;

namespace PSIpc;

/// <summary>
/// The Message framing's header, 8 bytes before every payload:
/// <c>'P' 'I'</c> (magic), version (1), encoding (0 Bytes, 1 Text, 2 CliXml, 3 Json), payload length (uint32, big-endian).
/// Between PSIpc peers the encoding byte may carry a flag: 0x40 (receipt requested) puts an 8-byte big-endian sequence
/// number before the payload, counted in the length; 0x80 alone is a receipt, whose 8-byte body is the sequence number of
/// the message taken. Plain frames never carry either, so C and Python peers see no change.
/// </summary>
internal static class Frame
{
    public const int HeaderSize = 8;
    public const byte Magic0 = (byte)'P';
    public const byte Magic1 = (byte)'I';
    public const byte Version = 1;

    /// <summary>The largest payload a channel accepts unless told otherwise (64 MiB).</summary>
    public const int DefaultMaxPayload = 64 * 1024 * 1024;

    /// <summary>The flag of a message whose sender waits for a receipt (-WaitForReceipt, a bounded mailbox).</summary>
    public const byte ReceiptRequested = 0x40;

    /// <summary>The encoding byte of a receipt frame.</summary>
    public const byte Receipt = 0x80;

    /// <summary>The sequence number's size in a flagged message and in a receipt.</summary>
    public const int SequenceSize = 8;

    /// <summary>The size of a whole receipt frame.</summary>
    public const int ReceiptSize = HeaderSize + SequenceSize;

    /// <summary>Writes the header and sequence number of a message that asks for a receipt; the payload follows.</summary>
    public static void WriteReceiptRequest(Span<byte> destination, IpcEncoding encoding, int payloadLength, long sequence)
    {
        WriteHeader(destination, encoding, payloadLength + SequenceSize);
        destination[3] |= ReceiptRequested;
        BinaryPrimitives.WriteInt64BigEndian(destination.Slice(HeaderSize, SequenceSize), sequence);
    }

    /// <summary>Writes a receipt for message <paramref name="sequence"/> (<see cref="ReceiptSize"/> bytes).</summary>
    public static void WriteReceipt(Span<byte> destination, long sequence)
    {
        WriteHeader(destination, IpcEncoding.Bytes, SequenceSize);
        destination[3] = Receipt;
        BinaryPrimitives.WriteInt64BigEndian(destination.Slice(HeaderSize, SequenceSize), sequence);
    }

    /// <summary>The sequence number after a flagged header or in a receipt.</summary>
    public static long ReadSequence(ReadOnlySpan<byte> afterHeader) => BinaryPrimitives.ReadInt64BigEndian(afterHeader);

    /// <summary>
    /// As ReadHeader without flags, for channels between PSIpc peers: a receipt request or a receipt is accepted and said
    /// in <paramref name="flags"/> (0, <see cref="ReceiptRequested"/> or <see cref="Receipt"/>).
    /// </summary>
    public static (IpcEncoding Encoding, int Length) ReadHeader(ReadOnlySpan<byte> header, int maxPayload, out byte flags)
    {
        flags = (byte)(header[3] & (ReceiptRequested | Receipt));
        bool valid = flags switch
        {
            0 => true,
            ReceiptRequested => (header[3] & 0x3F) <= (byte)IpcEncoding.Json
                && BinaryPrimitives.ReadUInt32BigEndian(header.Slice(4, 4)) >= SequenceSize,
            _ => header[3] == Receipt && BinaryPrimitives.ReadUInt32BigEndian(header.Slice(4, 4)) == SequenceSize,
        };
        if (!valid || flags == 0)
        {
            return ReadHeader(header, maxPayload);
        }

        Span<byte> plain = stackalloc byte[HeaderSize];
        header.Slice(0, HeaderSize).CopyTo(plain);
        plain[3] &= 0x3F;
        return ReadHeader(plain, maxPayload == int.MaxValue ? maxPayload : maxPayload + SequenceSize);
    }

    public static void WriteHeader(Span<byte> destination, IpcEncoding encoding, int payloadLength)
    {
        destination[0] = Magic0;
        destination[1] = Magic1;
        destination[2] = Version;
        destination[3] = (byte)encoding;
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(4, 4), (uint)payloadLength);
    }

    /// <summary>Checks a header and returns its encoding and payload length, or throws <see cref="IpcProtocolException"/>.</summary>
    public static (IpcEncoding Encoding, int Length) ReadHeader(ReadOnlySpan<byte> header, int maxPayload)
    {
        if (header[0] != Magic0 || header[1] != Magic1)
        {
            throw new IpcProtocolException(
                "FrameBadMagic",
                $"The data is not a PSIpc message frame (it starts with 0x{header[0]:X2} 0x{header[1]:X2}, not "
                    + "'PI'). The peer is probably writing plain text or bytes: open the channel with -Framing Line "
                    + "or Raw.");
        }

        if (header[2] != Version)
        {
            throw new IpcProtocolException("FrameBadVersion",
                $"The message frame has version {header[2]}, and this PSIpc reads version {Version}. Use the same "
                + "PSIpc version on both sides.");
        }

        if (header[3] > (byte)IpcEncoding.Json)
        {
            throw new IpcProtocolException("FrameBadEncoding",
                $"The message frame names encoding {header[3]}, which is not one of Bytes (0), Text (1), CliXml (2) "
                + "or Json (3).");
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(header.Slice(4, 4));
        if (length > (uint)maxPayload)
        {
            throw new IpcProtocolException("FrameTooLarge",
                $"The message frame announces {length} bytes, more than this channel's limit of {maxPayload} bytes "
                + "(MaxMessageSize).");
        }

        return ((IpcEncoding)header[3], (int)length);
    }
}
