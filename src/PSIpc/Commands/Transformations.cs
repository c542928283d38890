using System;
using System.Globalization;
using System.Management.Automation;

namespace PSIpc.Commands;

/// <summary>
/// Lets -Mode take 0600, '0600', 600 (PowerShell reads 0600 as the integer 600, so its digits are taken as octal)
/// or 'rw-r-----', and turns it into permission bits.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ModeTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object? value = inputData is PSObject pso ? pso.BaseObject : inputData;
        if (value is IpcFileMode mode)
        {
            return mode;
        }

        try
        {
            return new IpcFileMode(FileModes.Parse(value));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentTransformationMetadataException(e.Message, e);
        }
    }
}

/// <summary>Permission bits, shown in octal.</summary>
public readonly record struct IpcFileMode(uint Value)
{
    public override string ToString() => FileModes.ToOctal(Value);
}

/// <summary>
/// Lets -Timeout take seconds as a number (5, 0.25), a TimeSpan, or a TimeSpan string ('00:00:05'). -1 means no limit.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class TimeoutTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object? value = inputData is PSObject pso ? pso.BaseObject : inputData;
        switch (value)
        {
            case TimeSpan ts:
                return ts;
            case int or long or short or byte or double or float or decimal:
                double seconds = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                return seconds < 0 ? System.Threading.Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds);
            case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed):
                return parsed < 0 ? System.Threading.Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(parsed);
            case string s when TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out TimeSpan parsedSpan):
                return parsedSpan;
            default:
                throw new ArgumentTransformationMetadataException(
                    $"'{value}' is not a timeout. Give seconds (5 or 0.5), a TimeSpan such as '00:01:00', or -1 for no limit.");
        }
    }
}

/// <summary>
/// Lets -Key take a System V key as ipcs prints it ('0x0000162e') or as a number (5678, 0x162e); keys above
/// 0x7fffffff are taken as the same 32 bits.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class IpcKeyTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object? value = inputData is PSObject pso ? pso.BaseObject : inputData;
        switch (value)
        {
            case int i:
                return i;
            case long or uint or ulong or short or ushort or byte:
                long l = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                if (l is >= int.MinValue and <= uint.MaxValue)
                {
                    return unchecked((int)l);
                }

                break;
            case string s:
                string t = s.Trim();
                if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase) &&
                    uint.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint hex))
                {
                    return unchecked((int)hex);
                }

                if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long dec)
                    && dec is >= int.MinValue and <= uint.MaxValue)
                {
                    return unchecked((int)dec);
                }

                break;
        }

        throw new ArgumentTransformationMetadataException(
            $"'{value}' is not a System V key. Give a number (5678) or hexadecimal as ipcs prints it (0x0000162e).");
    }
}
