using System;
using System.Diagnostics;

namespace PSIpc;

/// <summary>A point in time a wait must not pass; <see cref="Infinite"/> when there is no timeout.</summary>
internal readonly struct Deadline
{
    private readonly long _end;

    private Deadline(long end, TimeSpan timeout)
    {
        _end = end;
        Timeout = timeout;
    }

    public static Deadline Infinite => new(long.MaxValue, System.Threading.Timeout.InfiniteTimeSpan);

    /// <summary>The timeout the deadline was made from, for messages.</summary>
    public TimeSpan Timeout { get; }

    public bool IsInfinite => _end == long.MaxValue;

    public static Deadline After(TimeSpan? timeout)
    {
        if (timeout is null || timeout.Value < TimeSpan.Zero)
        {
            return Infinite;
        }

        long ticks = (long)(timeout.Value.TotalSeconds * Stopwatch.Frequency);
        return new Deadline(Stopwatch.GetTimestamp() + ticks, timeout.Value);
    }

    /// <summary>Milliseconds left for poll(2): -1 when infinite, 0 when expired.</summary>
    public int RemainingMilliseconds()
    {
        if (IsInfinite)
        {
            return -1;
        }

        long left = _end - Stopwatch.GetTimestamp();
        if (left <= 0)
        {
            return 0;
        }

        double ms = Math.Ceiling(left * 1000.0 / Stopwatch.Frequency);
        return ms > int.MaxValue ? int.MaxValue : (int)ms;
    }

    public bool HasExpired => !IsInfinite && Stopwatch.GetTimestamp() >= _end;
}
