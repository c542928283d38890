using System;
using System.Collections;
using System.Management.Automation;
using System.Text;

namespace PSIpc;

/// <summary>Turns message bodies into payload bytes and back, for each <see cref="IpcEncoding"/>.</summary>
internal static class MessageCodec
{
    /// <summary>True for what a decoder throws on a payload it cannot read (as opposed to a failure of the module).</summary>
    public static bool IsDecodeFailure(Exception e) =>
        e is IpcProtocolException or ArgumentException or FormatException or InvalidOperationException or System.Xml.XmlException;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>The body without its PSObject wrapper, unless it is a custom object.</summary>
    public static object? Unwrap(object? body) =>
        body is PSObject pso && pso.BaseObject is not PSCustomObject ? pso.BaseObject : body;

    /// <summary>The encoding a body gets when none is asked for on a channel with this framing.</summary>
    public static IpcEncoding DefaultFor(IpcFraming framing, object? body) => framing switch
    {
        IpcFraming.Message => IpcEncoding.CliXml,
        IpcFraming.Raw when Unwrap(body) is byte[] => IpcEncoding.Bytes,
        _ => IpcEncoding.Text,
    };

    public static byte[] Encode(object? body, IpcEncoding encoding, int depth)
    {
        object? value = Unwrap(body);
        switch (encoding)
        {
            case IpcEncoding.Bytes:
                if (value is byte[] bytes)
                {
                    return bytes;
                }

                if (value is not string && value is IEnumerable
                    && LanguagePrimitives.TryConvertTo(value, out byte[]? converted) && converted is not null)
                {
                    return converted;
                }

                throw new ArgumentException(
                    "The Bytes encoding sends byte[]; this body is "
                        + $"{(value is null ? "null" : value.GetType().FullName)}. Pass a byte[] with -InputObject or "
                        + "',$bytes | Send-IpcMessage', or choose -Encoding Text.");
            case IpcEncoding.Text:
                return Utf8.GetBytes(value is null ? string.Empty : value as string ?? LanguagePrimitives.ConvertTo<string>(value));
            case IpcEncoding.CliXml:
                return Utf8.GetBytes(PSSerializer.Serialize(body, depth));
            case IpcEncoding.Json:
                return JsonCodec.Serialize(body, depth);
            default:
                throw new ArgumentOutOfRangeException(nameof(encoding));
        }
    }

    public static object? Decode(ReadOnlySpan<byte> payload, IpcEncoding encoding)
    {
        switch (encoding)
        {
            case IpcEncoding.Bytes:
                return payload.ToArray();
            case IpcEncoding.Text:
                return Utf8.GetString(payload);
            case IpcEncoding.CliXml:
                try
                {
                    return PSSerializer.Deserialize(Utf8.GetString(payload));
                }
                catch (Exception e) when (e is System.Xml.XmlException or InvalidOperationException or PSInvalidOperationException)
                {
                    throw new IpcProtocolException("CliXmlInvalid", $"A CliXml message could not be deserialized: {e.Message}", e);
                }

            case IpcEncoding.Json:
                return JsonCodec.Deserialize(payload);
            default:
                throw new ArgumentOutOfRangeException(nameof(encoding));
        }
    }
}
