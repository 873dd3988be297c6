using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace Appointments.Notifications.Channels;

/// <summary>The original's variable names, read as top-level configuration keys.</summary>
internal sealed class TwilioOptions
{
    [ConfigurationKeyName("TWILIO_ACCOUNT_SID")]
    public string? AccountSid { get; set; }

    [ConfigurationKeyName("TWILIO_AUTH_TOKEN")]
    public string? AuthToken { get; set; }

    /// <summary>The sender.</summary>
    [ConfigurationKeyName("TWILIO_PHONE_NUMBER")]
    public string? PhoneNumber { get; set; }

    [ConfigurationKeyName("TWILIO_API_URL")]
    public Uri ApiUrl { get; set; } = new("https://api.twilio.com");

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(AccountSid) && !string.IsNullOrWhiteSpace(AuthToken) && !string.IsNullOrWhiteSpace(PhoneNumber);
}

/// <summary>The <c>Notifications:Twilio</c> section: the HTTP resilience pipeline in front of Twilio.</summary>
internal sealed class TwilioHttpOptions
{
    public const string Section = "Notifications:Twilio";

    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; later ones back off exponentially.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public bool IsValid() =>
        AttemptTimeout >= TimeSpan.FromMilliseconds(10) && TotalTimeout >= AttemptTimeout
        && MaxRetries >= 1 && RetryDelay >= TimeSpan.Zero;
}

/// <summary>
/// Twilio's Messages API over HttpClient. The named client carries the resilience pipeline, so 5xx, 429 and
/// transport errors are retried before this channel sees them.
/// </summary>
internal sealed class TwilioSmsChannel(IHttpClientFactory httpClients, IOptions<TwilioOptions> options) : IMessageChannel
{
    public const string HttpClientName = "twilio";

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var twilio = options.Value;
        var url = new Uri($"{twilio.ApiUrl.AbsoluteUri.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(twilio.AccountSid ?? "")}/Messages.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{twilio.AccountSid}:{twilio.AuthToken}")));
        request.Content = new FormUrlEncodedContent(
        [
            new("To", message.To),
            new("From", twilio.PhoneNumber ?? ""),
            new("Body", message.Text),
        ]);

        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new DeliveryException(DeliveryFailure.Unreachable, $"Twilio unreachable: {message.WithoutAddress(ex.Message)}", isTransient: true, ex);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            var status = response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var transient = (int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
            throw new DeliveryException(
                transient ? DeliveryFailure.TwilioDeferred : DeliveryFailure.TwilioRejected,
                $"Twilio answered {(int)status}: {message.WithoutAddress(Shorten(body))}",
                transient);
        }
    }

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..500];
}
