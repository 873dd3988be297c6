namespace Appointments.Notifications.Channels;

/// <summary>
/// Numbers the clinic never texts: the non-geographic ranges (international freephone, shared cost, satellite and
/// "global" networks, international premium rate) where SMS pumping lives, and, when
/// <c>Notices:SmsAllowedPrefixes</c> names the countries a clinic serves, every number outside them.
/// </summary>
internal static class SmsDestinations
{
    private static readonly string[] NonGeographic = ["+800", "+808", "+870", "+878", "+881", "+882", "+883", "+888", "+979", "+991"];

    public static bool IsRefused(string number, IReadOnlyCollection<string> allowedPrefixes) =>
        NonGeographic.Any(p => number.StartsWith(p, StringComparison.Ordinal))
        || (allowedPrefixes.Count > 0 && !allowedPrefixes.Any(p => number.StartsWith(p, StringComparison.Ordinal)));
}
