namespace Appointments.Notifications.Channels;

/// <summary>
/// An SMS is one segment (API.md, "Messages that cannot be abused"): at most 160 characters of the GSM 03.38
/// alphabet (extension characters count twice), or 70 UTF-16 units once any character needs Unicode. A message
/// that would be longer gives up characters of the doctor's name first, then the clinic's, never the time.
/// </summary>
internal static class SmsText
{
    public const int GsmSegment = 160;
    public const int UnicodeSegment = 70;

    private const string Gsm = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private const string GsmExtension = "^{}\\[~]|€\f";
    private const string Ellipsis = "...";

    /// <summary>How much of a doctor's name is kept before a shorter wording is tried.</summary>
    private const int ReadableName = 16;

    /// <summary>
    /// <c>{clinic}: {sentence(doctor)}</c> (or the sentence alone without a clinic) in one segment: the first of
    /// <paramref name="sentences"/> (longest first) that fits with the doctor's name kept readable, else the first
    /// that fits with both names cut down, else the shortest cut to fit.
    /// </summary>
    public static string Fit(string? clinic, string doctor, params Func<string, string>[] sentences)
    {
        string Compose(Func<string, string> sentence, string? c, string d) => c is null ? sentence(d) : $"{c}: {sentence(d)}";

        foreach (var sentence in sentences)
        {
            for (var keep = doctor.Length; keep >= Math.Min(doctor.Length, ReadableName); keep--)
            {
                if (Compose(sentence, clinic, Cut(doctor, keep)) is var text && IsOneSegment(text))
                {
                    return text;
                }
            }
        }

        foreach (var sentence in sentences)
        {
            for (var keepClinic = clinic?.Length ?? 0; keepClinic >= Math.Min(clinic?.Length ?? 0, 1); keepClinic--)
            {
                for (var keep = doctor.Length; keep >= 1; keep--)
                {
                    if (Compose(sentence, clinic is null ? null : Cut(clinic, keepClinic), Cut(doctor, keep)) is var text && IsOneSegment(text))
                    {
                        return text;
                    }
                }
            }
        }

        return Cut(Compose(sentences[^1], clinic, doctor), UnicodeSegment - Ellipsis.Length);
    }

    public static bool IsOneSegment(string text)
    {
        var septets = 0;
        foreach (var c in text)
        {
            if (Gsm.Contains(c, StringComparison.Ordinal))
            {
                septets++;
            }
            else if (GsmExtension.Contains(c, StringComparison.Ordinal))
            {
                septets += 2;
            }
            else
            {
                return text.Length <= UnicodeSegment;
            }
        }

        return septets <= GsmSegment;
    }

    // Never splits a surrogate pair: half a character would make the rest of the message unreadable.
    private static string Cut(string text, int keep)
    {
        if (keep < text.Length && char.IsLowSurrogate(text[keep]))
        {
            keep--;
        }

        return keep >= text.Length ? text : text[..keep] + Ellipsis;
    }
}
