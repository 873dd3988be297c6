using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace Appointments.Tests.DaprSidecar;

/// <summary>
/// A Resiliency manifest's policy for one target app, as daprd applies it to service invocation (DAPR.md, "Service
/// invocation"): the timeout bounds each attempt; a retry repeats an attempt that failed or whose status
/// <see cref="RetryPolicy.HttpStatusCodes"/> names (every status from 400 when it names none); a circuit breaker counts
/// every answer outside 200–399 as a failure, whatever the retry's <c>matching</c> says.
/// </summary>
public sealed record AppResiliency(TimeSpan? Timeout = null, RetryPolicy? Retry = null, CircuitBreakerPolicy? CircuitBreaker = null)
{
    /// <summary>The <c>targets.apps</c> of a <c>kind: Resiliency</c> file, by app id.</summary>
    public static IReadOnlyDictionary<string, AppResiliency> Load(string path)
    {
        using var reader = File.OpenText(path);
        var spec = Map(Map(new DeserializerBuilder().Build().Deserialize<object>(reader))["spec"]);
        var policies = Map(spec["policies"]);
        return Map(Map(spec["targets"]).GetValueOrDefault("apps")).ToDictionary(
            app => app.Key,
            app =>
            {
                var target = Map(app.Value);
                return new AppResiliency(
                    Named(policies, "timeouts", target, "timeout") is string timeout ? Duration(timeout) : null,
                    Named(policies, "retries", target, "retry") is { } retry ? RetryPolicy.From(Map(retry)) : null,
                    Named(policies, "circuitBreakers", target, "circuitBreaker") is { } breaker ? CircuitBreakerPolicy.From(Map(breaker)) : null);
            },
            StringComparer.Ordinal);
    }

    internal static Dictionary<string, object?> Map(object? node) =>
        (node as IDictionary<object, object?>)?.ToDictionary(pair => (string)pair.Key, pair => pair.Value, StringComparer.Ordinal) ?? [];

    /// <summary>Go's duration syntax, as in the manifest: <c>800ms</c>, <c>5s</c>, <c>1m30s</c>.</summary>
    internal static TimeSpan Duration(string text) =>
        Regex.Matches(text, @"(\d+(?:\.\d+)?)(ms|s|m|h)").Aggregate(TimeSpan.Zero, (sum, part) =>
        {
            var value = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            return sum + part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" => TimeSpan.FromSeconds(value),
                "m" => TimeSpan.FromMinutes(value),
                _ => TimeSpan.FromHours(value),
            };
        });

    private static object? Named(Dictionary<string, object?> policies, string section, Dictionary<string, object?> target, string kind) =>
        target.GetValueOrDefault(kind) is string name ? Map(policies[section])[name] : null;
}

/// <param name="HttpStatusCodes">The ranges <c>matching.httpStatusCodes</c> names; null when it names none.</param>
public sealed record RetryPolicy(int MaxRetries, TimeSpan Delay, IReadOnlyList<(int From, int To)>? HttpStatusCodes = null)
{
    public bool Retries(int status) =>
        HttpStatusCodes is null ? status >= 400 : HttpStatusCodes.Any(range => status >= range.From && status <= range.To);

    internal static RetryPolicy From(Dictionary<string, object?> retry)
    {
        if (retry.GetValueOrDefault("policy") as string is { } policy && policy != "constant")
        {
            throw new NotSupportedException($"The double runs constant retries only, not '{policy}'.");
        }

        var codes = AppResiliency.Map(retry.GetValueOrDefault("matching")).GetValueOrDefault("httpStatusCodes") as string;
        return new RetryPolicy(
            int.Parse((string)retry["maxRetries"]!, CultureInfo.InvariantCulture),
            AppResiliency.Duration((string)retry["duration"]!),
            codes?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(range => range.Split('-').Select(code => int.Parse(code, CultureInfo.InvariantCulture)).ToArray())
                .Select(bounds => (bounds[0], bounds[^1]))
                .ToList());
    }
}

/// <param name="ConsecutiveFailures">The <c>trip: consecutiveFailures >= N</c> threshold.</param>
/// <param name="OpenFor">The breaker's <c>timeout</c>: how long it stays open before letting trial calls through.</param>
/// <param name="MaxRequests">Trial calls while half-open, and the successes it needs to close.</param>
public sealed record CircuitBreakerPolicy(int ConsecutiveFailures, TimeSpan OpenFor, int MaxRequests = 1)
{
    internal static CircuitBreakerPolicy From(Dictionary<string, object?> breaker)
    {
        var trip = Regex.Match((string)breaker["trip"]!, @"^\s*consecutiveFailures\s*(>=|>)\s*(\d+)\s*$");
        if (!trip.Success)
        {
            throw new NotSupportedException($"The double trips on 'consecutiveFailures >= N' only, not '{breaker["trip"]}'.");
        }

        var threshold = int.Parse(trip.Groups[2].Value, CultureInfo.InvariantCulture) + (trip.Groups[1].Value == ">" ? 1 : 0);
        return new CircuitBreakerPolicy(
            threshold,
            AppResiliency.Duration((string)breaker["timeout"]!),
            breaker.GetValueOrDefault("maxRequests") is string max ? int.Parse(max, CultureInfo.InvariantCulture) : 1);
    }
}

/// <summary>gobreaker's states as daprd runs them: closed, open for <see cref="CircuitBreakerPolicy.OpenFor"/>, half-open.</summary>
internal sealed class CircuitBreaker(CircuitBreakerPolicy policy, TimeProvider time)
{
    private readonly Lock _lock = new();
    private int _failures;
    private int _trials;
    private int _successes;
    private DateTimeOffset? _openedAt;

    /// <summary>False while open (daprd answers "circuit breaker is open" without calling the app).</summary>
    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_openedAt is null)
            {
                return true;
            }

            if (time.GetUtcNow() - _openedAt < policy.OpenFor || _trials >= policy.MaxRequests)
            {
                return false;
            }

            _trials++;
            return true;
        }
    }

    public void Record(bool succeeded)
    {
        lock (_lock)
        {
            if (_openedAt is not null)
            {
                if (!succeeded)
                {
                    Open();
                }
                else if (++_successes >= policy.MaxRequests)
                {
                    (_openedAt, _failures, _trials, _successes) = (null, 0, 0, 0);
                }

                return;
            }

            _failures = succeeded ? 0 : _failures + 1;
            if (_failures >= policy.ConsecutiveFailures)
            {
                Open();
            }
        }
    }

    private void Open() => (_openedAt, _failures, _trials, _successes) = (time.GetUtcNow(), 0, 0, 0);
}
