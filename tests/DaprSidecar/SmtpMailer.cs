using System.Globalization;

namespace Appointments.Tests.DaprSidecar;

/// <summary>
/// One <c>bindings.smtp</c> component as components-contrib 1.18 runs it (<c>bindings/smtp/smtp.go</c>). Its
/// <c>Metadata</c> struct is shared by every call, and <c>mergeWithRequestMetadata</c> has a pointer receiver whose
/// "merged" copy is the same pointer: each non-empty request field is written into the component itself, with no
/// lock, and the message is then composed from the component. daprd runs each gRPC call on its own goroutine, so
/// two sends at once can deliver one request's body to the other request's recipient and subject, and a field set
/// once (<c>emailCC</c>, <c>emailBCC</c>) goes with every later email: an empty request value never clears it.
/// The double composes the message at the end of the send rather than just before dialling: that widens daprd's
/// window (microseconds, between the merge and the composing) to the send's duration, so that concurrent sends
/// cross every time instead of now and then.
/// </summary>
internal sealed class SmtpMailer
{
    private const int DefaultPriority = 3;

    private readonly IReadOnlyDictionary<string, string> _settings;

    // The component's struct: written by every call and guarded by nothing, as in smtp.go. Only whole string
    // references are written, so a read sees one request's value or another's, never a torn one.
    private string _emailFrom;
    private string _emailTo;
    private string _emailCC;
    private string _emailBCC;
    private string _subject;
    private int _priority;

    public SmtpMailer(IReadOnlyDictionary<string, string> metadata)
    {
        _settings = metadata;
        _emailFrom = metadata.GetValueOrDefault("emailFrom", "");
        _emailTo = metadata.GetValueOrDefault("emailTo", "");
        _emailCC = metadata.GetValueOrDefault("emailCC", "");
        _emailBCC = metadata.GetValueOrDefault("emailBCC", "");
        _subject = metadata.GetValueOrDefault("subject", "");
        var priority = metadata.GetValueOrDefault("priority", "");
        _priority = priority.Length == 0 ? DefaultPriority
            : ParsePriority(priority, out var parsed) is { } error ? throw new ArgumentException($"the email component cannot start: {error}") : parsed;
    }

    /// <summary>
    /// <c>Invoke</c>: merges <paramref name="request"/> into the component, checks the required fields, takes
    /// <paramref name="sendTime"/> to send (whatever the caller's cancellation: the component ignores its context)
    /// and answers the message as composed from the component at that moment, or the component's error.
    /// </summary>
    public async Task<(string? Error, IReadOnlyDictionary<string, string>? Sent)> InvokeAsync(IReadOnlyDictionary<string, string> request, TimeSpan sendTime)
    {
        if (Merge(request) is { } mergeError)
        {
            return (mergeError, null);
        }

        foreach (var (field, value) in new[] { ("emailFrom", _emailFrom), ("emailTo", _emailTo), ("subject", _subject) })
        {
            if (value.Length == 0)
            {
                return ($"smtp binding error: {field} property not supplied in configuration- or request-metadata", null);
            }
        }

        await Task.Delay(sendTime, CancellationToken.None);
        return (null, Compose());
    }

    private string? Merge(IReadOnlyDictionary<string, string> request)
    {
        if (request.GetValueOrDefault("emailFrom") is { Length: > 0 } from)
        {
            _emailFrom = from;
        }

        if (request.GetValueOrDefault("emailTo") is { Length: > 0 } to)
        {
            _emailTo = to;
        }

        if (request.GetValueOrDefault("emailCC") is { Length: > 0 } cc)
        {
            _emailCC = cc;
        }

        if (request.GetValueOrDefault("emailBCC") is { Length: > 0 } bcc)
        {
            _emailBCC = bcc;
        }

        if (request.GetValueOrDefault("subject") is { Length: > 0 } subject)
        {
            _subject = subject;
        }

        // Fields merged before a bad priority stay in the component: the merge has already written them.
        if (request.GetValueOrDefault("priority") is { Length: > 0 } priority)
        {
            if (ParsePriority(priority, out var parsed) is { } error)
            {
                return error;
            }

            _priority = parsed;
        }

        return null;
    }

    /// <summary>The headers the message goes out with (empty CC and BCC are left out, as smtp.go does), and the server settings.</summary>
    private Dictionary<string, string> Compose()
    {
        var sent = new Dictionary<string, string>(_settings, StringComparer.Ordinal)
        {
            ["emailFrom"] = _emailFrom,
            ["emailTo"] = _emailTo,
            ["subject"] = _subject,
            ["priority"] = _priority.ToString(CultureInfo.InvariantCulture),
        };
        sent.Remove("emailCC");
        sent.Remove("emailBCC");
        if (_emailCC.Length > 0)
        {
            sent["emailCC"] = _emailCC;
        }

        if (_emailBCC.Length > 0)
        {
            sent["emailBCC"] = _emailBCC;
        }

        return sent;
    }

    /// <summary>smtp.go's <c>parsePriority</c> over Go's <c>strconv.Atoi</c>: a sign and digits, 1 to 5.</summary>
    private static string? ParsePriority(string text, out int priority)
    {
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out priority))
        {
            return $"strconv.Atoi: parsing \"{text}\": invalid syntax";
        }

        return priority is < 1 or > 5 ? "smtp binding error:  priority value must be between 1 (highest) and 5 (lowest)" : null;
    }
}
