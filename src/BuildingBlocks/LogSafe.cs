namespace Appointments.BuildingBlocks;

/// <summary>What of a URL may be written to a log: everything but a user name, a password and a query.</summary>
public static class LogSafe
{
    public static string Url(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.IsAbsoluteUri && (url.UserInfo.Length > 0 || url.Query.Length > 0)
            ? new UriBuilder(url) { UserName = "", Password = "", Query = "" }.Uri.ToString()
            : url.ToString();
    }

    public static string Url(string? text) => Uri.TryCreate(text, UriKind.Absolute, out var url) ? Url(url) : "(not a URL)";
}
