using System.Net.Mail;
using System.Text.RegularExpressions;

namespace Appointments.Booking;

/// <summary>What an email address and a phone number must be, whether a request gives them or a user's profile does.</summary>
internal static partial class Contacts
{
    public const int MaxEmailLength = 254;

    public static bool IsEmail(string text) =>
        text.Length <= MaxEmailLength && EmailPattern().IsMatch(text) && MailAddress.TryCreate(text, out var address) && address.Address == text;

    /// <summary>A message that could never be sent is refused up front: email needs an address, SMS a number.</summary>
    public static BookingError? Missing(string method, string? email, string? phone) => method switch
    {
        ReminderMethods.Email when email is null => BookingError.Invalid("email", "is required when reminder_method is email"),
        ReminderMethods.Sms when phone is null => BookingError.Invalid("phone", "is required when reminder_method is sms"),
        _ => null,
    };

    /// <summary>E.164: <c>+</c> and 8 to 15 digits.</summary>
    public static bool IsPhone(string text) => PhonePattern().IsMatch(text);

    [GeneratedRegex(@"^\+[0-9]{8,15}\z", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex EmailPattern();
}
