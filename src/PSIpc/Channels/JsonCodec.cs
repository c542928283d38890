using System;
using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using System.Text.Json;

namespace PSIpc;

/// <summary>
/// Compact JSON in the manner of ConvertTo-Json -Compress / ConvertFrom-Json: dictionaries and objects become JSON objects,
/// lists become arrays, objects past the depth become their string form; JSON objects come back as PSCustomObject.
/// </summary>
internal static class JsonCodec
{
    public static byte[] Serialize(object? body, int depth)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, SkipValidation = false }))
        {
            Write(writer, body, depth);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static object? Deserialize(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(
                payload, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            using JsonDocument doc = JsonDocument.ParseValue(ref reader);
            ReadOnlySpan<byte> rest = payload.Slice((int)reader.BytesConsumed);
            if (rest.IndexOfAnyExcept(" \t\r\n"u8) >= 0)
            {
                throw new IpcProtocolException("JsonInvalid",
                    $"A Json message has data after its value ({rest.Length} bytes from byte "
                    + $"{reader.BytesConsumed}); one message holds one Json value.");
            }

            return ToObject(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new IpcProtocolException("JsonInvalid", $"A Json message could not be parsed: {e.Message}", e);
        }
    }

    private static void Write(Utf8JsonWriter w, object? value, int depth)
    {
        PSObject? pso = value as PSObject;
        object? baseObject = pso is null ? value : pso.BaseObject;
        switch (baseObject)
        {
            case null:
                w.WriteNullValue();
                return;
            case string s:
                w.WriteStringValue(s);
                return;
            case char c:
                w.WriteStringValue(c.ToString());
                return;
            case bool b:
                w.WriteBooleanValue(b);
                return;
            case byte or sbyte or short or ushort or int or uint or long:
                w.WriteNumberValue(Convert.ToInt64(baseObject, CultureInfo.InvariantCulture));
                return;
            case ulong ul:
                w.WriteNumberValue(ul);
                return;
            case float or double:
                double d = Convert.ToDouble(baseObject, CultureInfo.InvariantCulture);
                if (double.IsFinite(d))
                {
                    w.WriteNumberValue(d);
                }
                else
                {
                    w.WriteStringValue(d.ToString(CultureInfo.InvariantCulture));
                }

                return;
            case decimal m:
                w.WriteNumberValue(m);
                return;
            case BigInteger bi:
                w.WriteRawValue(bi.ToString(CultureInfo.InvariantCulture));
                return;
            case DateTime dt:
                w.WriteStringValue(dt);
                return;
            case DateTimeOffset dto:
                w.WriteStringValue(dto);
                return;
            case Guid or Uri or TimeSpan or Version:
                w.WriteStringValue(Convert.ToString(baseObject, CultureInfo.InvariantCulture));
                return;
            case Enum e:
                w.WriteNumberValue(Convert.ToInt64(e, CultureInfo.InvariantCulture));
                return;
        }

        if (depth < 0)
        {
            w.WriteStringValue(LanguagePrimitives.ConvertTo<string>(value));
            return;
        }

        if (baseObject is IDictionary dict)
        {
            w.WriteStartObject();
            foreach (DictionaryEntry entry in dict)
            {
                w.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                Write(w, entry.Value, depth - 1);
            }

            w.WriteEndObject();
            return;
        }

        if (baseObject is IEnumerable list)
        {
            w.WriteStartArray();
            foreach (object? item in list)
            {
                Write(w, item, depth - 1);
            }

            w.WriteEndArray();
            return;
        }

        pso ??= PSObject.AsPSObject(baseObject);
        w.WriteStartObject();
        foreach (PSPropertyInfo property in pso.Properties)
        {
            if (!property.IsGettable)
            {
                continue;
            }

            object? propertyValue;
            try
            {
                propertyValue = property.Value;
            }
            catch (GetValueException)
            {
                continue;
            }

            w.WritePropertyName(property.Name);
            Write(w, propertyValue, depth - 1);
        }

        w.WriteEndObject();
    }

    private static object? ToObject(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var result = new PSObject();
                foreach (JsonProperty p in e.EnumerateObject())
                {
                    // PowerShell property names are not case-sensitive: "a" and "A" would be one property, and "" none.
                    if (p.Name.Length == 0)
                    {
                        throw new IpcProtocolException("JsonUnrepresentable",
                            "A Json message has an object key that is the empty string, which a PowerShell object "
                            + "cannot hold; receive it with -Encoding Text to read it as it is.");
                    }

                    if (result.Properties[p.Name] is { } existing)
                    {
                        throw new IpcProtocolException("JsonUnrepresentable",
                            $"A Json object has the keys '{existing.Name}' and '{p.Name}', which are one property "
                            + "name to PowerShell (names are not case-sensitive); receive it with -Encoding Text to "
                            + "read it as it is.");
                    }

                    result.Properties.Add(new PSNoteProperty(p.Name, ToObject(p.Value)));
                }

                return result;
            case JsonValueKind.Array:
                var items = new object?[e.GetArrayLength()];
                int i = 0;
                foreach (JsonElement item in e.EnumerateArray())
                {
                    items[i++] = ToObject(item);
                }

                return items;
            case JsonValueKind.String:
                return e.GetString();
            case JsonValueKind.Number:
                if (e.TryGetInt32(out int i32))
                {
                    return i32;
                }

                if (e.TryGetInt64(out long i64))
                {
                    return i64;
                }

                string raw = e.GetRawText();
                if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
                {
                    return BigInteger.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                }

                if (e.TryGetDouble(out double d) && double.IsFinite(d))
                {
                    return d;
                }

                throw new IpcProtocolException("JsonUnrepresentable",
                    $"A Json message holds the number {raw}, beyond what a double can hold; receive it with "
                    + "-Encoding Text to read it as it is.");
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }
}
