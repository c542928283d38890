using System;
using System.Buffers.Binary;

namespace PSIpc;

/// <summary>
/// The Message framing's header, 8 bytes before every payload:
/// <c>'P' 'I'</c> (magic), version (1), encoding (0 Bytes, 1 Text, 2 CliXml, 3 Json), payload length (uint32, big-endian).
/// </summary>
internal static class Frame
{
    public const int HeaderSize = 8;
    public const byte Magic0 = (byte)'P';
    public const byte Magic1 = (byte)'I';
    public const byte Version = 1;

    /// <summary>The largest payload a channel accepts unless told otherwise (64 MiB).</summary>
    public const int DefaultMaxPayload = 64 * 1024 * 1024;

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
