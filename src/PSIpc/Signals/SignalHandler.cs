using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Threading;

namespace PSIpc;

/// <summary>One delivery of a signal: $EventArgs in a handler's action, and what Wait-Signal returns.</summary>
public sealed class SignalEvent : EventArgs
{
    internal SignalEvent(SignalInfo signal)
    {
        Signal = signal.Name;
        Number = signal.Number;
        Timestamp = DateTimeOffset.Now;
    }

    /// <summary>The signal's name, such as SIGUSR1.</summary>
    public string Signal { get; }

    public int Number { get; }

    /// <summary>When this process saw it.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The sender's process id where the platform gives it; .NET's signal handling does not, so null.</summary>
    public int? SenderProcessId => null;

    public override string ToString() => $"{Signal} at {Timestamp:HH:mm:ss.fff}";
}

/// <summary>
/// A signal handler registered with Register-SignalHandler: each delivery becomes a PowerShell engine event with
/// its SourceIdentifier, so an -Action runs in the session between commands (never on the runtime's signal thread).
/// Handling goes through PosixSignalRegistration, so the runtime keeps owning the process's signal handlers.
/// </summary>
public sealed class SignalHandler : IDisposable
{
    private static readonly object Gate = new();
    private static readonly List<SignalHandler> Registered = new();
    private readonly PSEventManager _events;
    private readonly PSEventSubscriber _subscriber;
    private readonly List<PosixSignalRegistration> _registrations = new();
    private readonly PSObject? _messageData;
    private readonly ScriptBlock? _action;
    private readonly List<ErrorRecord> _errors = new();
    private long _count;
    private int _disposed;

    private SignalHandler(
        PSEventManager events,
        SignalInfo[] signals,
        ScriptBlock? action,
        string sourceIdentifier,
        PSObject? messageData,
        bool runDefaultAction)
    {
        _events = events;
        Signal = signals.Select(s => s.Name).ToArray();
        SourceIdentifier = sourceIdentifier;
        HasAction = action is not null;
        RunDefaultAction = runDefaultAction;
        _messageData = messageData;
        _action = action;

        // An action that throws would stop PowerShell from running it for later events: run it through a wrapper that
        // catches, so one failure is recorded (Errors) and the handler goes on.
        ScriptBlock? wrapper = action is null ? null : ScriptBlock.Create(
            "try { $Sender.InvokeAction($Event, $EventArgs) } catch { $Sender.RecordError($_) }");
        _subscriber = events.SubscribeEvent(null, null, sourceIdentifier, messageData, wrapper, false, false);
    }

    /// <summary>The signals handled, such as SIGUSR1.</summary>
    public string[] Signal { get; }

    public string SourceIdentifier { get; }

    /// <summary>True when an -Action runs for each delivery; otherwise the events wait in the session's event queue.</summary>
    public bool HasAction { get; }

    /// <summary>True when the signal's default action follows the handler (a terminating signal then ends the process).</summary>
    public bool RunDefaultAction { get; }

    /// <summary>Deliveries seen so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    public bool IsRegistered => Volatile.Read(ref _disposed) == 0;

    /// <summary>Errors the -Action threw, newest last (at most 100 kept); the handler goes on after each.</summary>
    public IReadOnlyList<ErrorRecord> Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToArray();
            }
        }
    }

    /// <summary>Runs the -Action for one event with $Event, $EventArgs and $Sender defined. Called by the
    /// session, never by the signal thread.</summary>
    public System.Collections.ObjectModel.Collection<PSObject> InvokeAction(PSEventArgs @event, SignalEvent eventArgs)
    {
        var variables = new List<PSVariable>
        {
            new("Event", @event),
            new("EventArgs", eventArgs),
            new("Sender", this),
        };
        return _action!.InvokeWithContext(null, variables);
    }

    /// <summary>Keeps an error the -Action threw.</summary>
    public void RecordError(ErrorRecord error)
    {
        // The action's own error, not the wrapper's "Exception calling InvokeAction".
        Exception? inner = error.Exception;
        while (inner is MethodInvocationException or System.Reflection.TargetInvocationException && inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        ErrorRecord record = inner is IContainsErrorRecord contained && !ReferenceEquals(
            inner, error.Exception) ? contained.ErrorRecord : error;
        lock (_errors)
        {
            _errors.Add(record);
            if (_errors.Count > 100)
            {
                _errors.RemoveAt(0);
            }
        }
    }

    /// <summary>The handlers registered in this process.</summary>
    public static IReadOnlyList<SignalHandler> All
    {
        get
        {
            lock (Gate)
            {
                return Registered.ToArray();
            }
        }
    }

    /// <summary>Registers a handler; throws InvalidOperationException when <paramref name="sourceIdentifier"/> is taken.</summary>
    public static SignalHandler Register(
        PSEventManager events,
        SignalInfo[] signals,
        ScriptBlock? action,
        string? sourceIdentifier,
        PSObject? messageData,
        bool runDefaultAction)
    {
        foreach (SignalInfo s in signals)
        {
            if (!s.CanCatch)
            {
                throw new ArgumentException($"{s.Name} cannot be caught, blocked or ignored: no process can handle it.");
            }
        }

        string id = sourceIdentifier ?? "PSIpc.Signal." + string.Join(
            "+", signals.Select(s => s.Name)) + "." + Guid.NewGuid().ToString("N").Substring(0, 8);
        lock (Gate)
        {
            if (Registered.Any(h => string.Equals(h.SourceIdentifier, id, StringComparison.OrdinalIgnoreCase)))
            {
                throw new InvalidOperationException(
                    $"A signal handler with SourceIdentifier '{id}' is registered already. Choose another "
                    + "identifier, or Unregister-SignalHandler it first.");
            }

            var handler = new SignalHandler(events, signals, action, id, messageData, runDefaultAction);
            try
            {
                foreach (SignalInfo s in signals)
                {
                    SignalInfo signal = s;
                    handler._registrations.Add(
                        PosixSignalRegistration.Create((PosixSignal)signal.Number, context => handler.OnSignal(context, signal)));
                }
            }
            catch
            {
                handler.Dispose();
                throw;
            }

            if (!runDefaultAction)
            {
                // Deliveries are kept for Wait-Signal too, so a wait after the handler was registered misses none.
                foreach (SignalInfo s in signals)
                {
                    SignalWaiter.EnsureCatcher(s);
                }
            }

            Registered.Add(handler);
            OpenResources.Track(handler);
            return handler;
        }
    }

    /// <summary>Removes the handler; the signal's previous behaviour (its default action, or another handler) returns.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (PosixSignalRegistration r in _registrations)
        {
            r.Dispose();
        }

        try
        {
            _events.UnsubscribeEvent(_subscriber);
        }
        catch (InvalidOperationException)
        {
            // The runspace is gone already.
        }

        OpenResources.Forget(this);
        int[] orphaned;
        lock (Gate)
        {
            Registered.Remove(this);
            orphaned = Signal.Where(
                name => !Registered.Any(h => h.Signal.Contains(name))).Select(name => SignalInfo.Parse(name).Number).ToArray();
        }

        // Nothing handles these any more: stop keeping them for Wait-Signal too, so the default action returns.
        SignalWaiter.Release(orphaned);
    }

    public override string ToString() => $"{SourceIdentifier} ({string.Join(", ", Signal)})";

    private void OnSignal(PosixSignalContext context, SignalInfo signal)
    {
        // The runtime's signal thread: no runspace here. Only queue an engine event; the session runs the action.
        context.Cancel = !RunDefaultAction;
        Interlocked.Increment(ref _count);
        try
        {
            _events.GenerateEvent(SourceIdentifier, this, new object[] { this, new SignalEvent(signal) }, _messageData);
        }
#pragma warning disable CA1031 // An exception escaping the runtime's signal thread would end the process.
        catch (Exception)
#pragma warning restore CA1031
        {
            // The runspace is closing or gone; the delivery is counted, and there is no session to run the action in.
        }
    }
}
