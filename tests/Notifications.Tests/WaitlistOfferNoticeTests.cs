using Appointments.Booking;
using Appointments.Booking.Waitlist;
using Appointments.Notifications.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Notifications.Tests;

/// <summary>
/// A waitlist offer reaches its patient as notices do (API.md, "Waitlist"): through their channel, worded with the
/// doctor, the local time and until when it is held, no calendar invite for a time not yet booked, and counted towards
/// the per-recipient cap. The clinic is in Europe/Berlin.
/// </summary>
public sealed class WaitlistOfferNoticeTests
{
    private static readonly DateTimeOffset Freed = new(2031, 3, 10, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(ClinicHost.Start);

    [Fact]
    public async Task The_offer_names_the_doctor_the_local_time_and_until_when_it_is_held_without_an_invite()
    {
        var (email, sms) = (new ScriptedChannel(), new ScriptedChannel());
        using var clinic = new ClinicHost(_clock, email: email, sms: sms);
        await JoinAsync(clinic, "wendy", ReminderMethods.Email);
        await JoinAsync(clinic, "tom", ReminderMethods.Sms);

        await FreeAndOfferAsync(clinic);

        var offer = email.Sent.Should().ContainSingle(m => m.To == "wendy@example.com").Which;
        offer.Subject.Should().Be("Appointment Available");
        offer.Text.Should().Be("A visit with dr-house on 2031-03-10 10:00 (Europe/Berlin) has come free and is held for you until 09:15. Accept it or decline it in your waitlist.");
        offer.Invite.Should().BeNull("the time is not booked until the patient accepts it");
        sms.Sent.Should().BeEmpty("one offer per freed time: tom waits behind wendy");
    }

    [Fact]
    public async Task An_sms_offer_fits_one_segment_and_names_the_clinic()
    {
        var sms = new ScriptedChannel();
        using var clinic = new ClinicHost(_clock, sms: sms, email: new ScriptedChannel());
        await JoinAsync(clinic, "tom", ReminderMethods.Sms);

        await FreeAndOfferAsync(clinic);

        sms.Sent.Should().ContainSingle().Which.Text.Should().Be("Your clinic: A visit with dr-house on 2031-03-10 10:00 (Europe/Berlin) has come free and is held for you until 09:15. Accept it or decline it in your waitlist.");
        Channels.SmsText.IsOneSegment(sms.Sent.Single().Text).Should().BeTrue();
    }

    [Fact]
    public async Task An_offer_counts_towards_the_recipients_daily_cap()
    {
        var email = new ScriptedChannel();
        using var clinic = new ClinicHost(_clock, email: email, settings: new Dictionary<string, string?> { ["Notices:MaxPerRecipientPerDay"] = "1" });
        await clinic.BookAsync("wendy", Freed.AddDays(2));
        await clinic.Notices.RunAsync(CancellationToken.None);
        await JoinAsync(clinic, "wendy", ReminderMethods.Email);

        await FreeAndOfferAsync(clinic);

        email.Sent.Where(m => m.To == "wendy@example.com").Select(m => m.Subject).Should().Equal(["Appointment Confirmation"], "her one message of the day was the confirmation");
    }

    [Fact]
    public async Task An_offer_to_an_entry_behind_the_queues_head_is_sent_too()
    {
        var email = new ScriptedChannel();
        using var clinic = new ClinicHost(_clock, email: email);
        for (var i = 0; i < WaitlistLists.HeadSize; i++)
        {
            await JoinAsync(clinic, $"early{i}", ReminderMethods.Email, DateOnly.FromDateTime(Freed.UtcDateTime).AddDays(1));
        }

        await JoinAsync(clinic, "wendy", ReminderMethods.Email);

        await FreeAndOfferAsync(clinic);

        email.Sent.Should().ContainSingle(m => m.To == "wendy@example.com").Which.Subject.Should().Be("Appointment Available");
    }

    [Fact]
    public async Task An_offer_declined_before_its_notice_went_out_is_never_sent()
    {
        var email = new ScriptedChannel();
        using var clinic = new ClinicHost(_clock, email: email);
        await JoinAsync(clinic, "wendy", ReminderMethods.Email);
        var booked = await clinic.BookAsync("carl", Freed, method: ReminderMethods.None);
        (await clinic.Book.CancelAsync(new Caller("carl", Caller.Patient), booked, null, null, CancellationToken.None)).Should().BeNull();
        (await clinic.Services.GetRequiredService<WaitlistOffers>().SettleAsync("dr-house", Freed, null, CancellationToken.None)).Should().Be(OfferOutcome.Offered);
        var desk = clinic.Services.GetRequiredService<WaitlistDesk>();
        var (entries, _) = await desk.ListAsync(new Caller("wendy", Caller.Patient), null, CancellationToken.None);
        (await desk.DeclineAsync(new Caller("wendy", Caller.Patient), entries!.Single().Id, CancellationToken.None)).Should().BeNull();

        await clinic.Notices.RunAsync(CancellationToken.None);

        email.Sent.Should().NotContain(m => m.To == "wendy@example.com", "the time is no longer held for her");
        (await clinic.PendingEventsAsync()).Should().BeEmpty("the offer's event ends without a message");
    }

    private static async Task JoinAsync(ClinicHost clinic, string username, string method, DateOnly? day = null)
    {
        var waitsFor = day ?? DateOnly.FromDateTime(Freed.UtcDateTime);
        var (id, error) = await clinic.Services.GetRequiredService<WaitlistDesk>().JoinAsync(
            new Caller(username, Caller.Patient),
            new WaitlistRequest("dr-house", waitsFor, waitsFor)
            {
                Email = $"{username}@example.com", Phone = "+15555550100", ReminderMethod = method,
            },
            CancellationToken.None);
        error.Should().BeNull();
        id.Should().NotBeNull();
    }

    /// <summary>Books and cancels the time, then runs the notice passes: the first offers the freed time, the next sends the offer.</summary>
    private static async Task FreeAndOfferAsync(ClinicHost clinic)
    {
        var booked = await clinic.BookAsync("carl", Freed);
        (await clinic.Book.CancelAsync(new Caller("carl", Caller.Patient), booked, null, null, CancellationToken.None)).Should().BeNull();
        await clinic.Notices.RunAsync(CancellationToken.None);
        await clinic.Notices.RunAsync(CancellationToken.None);
    }
}
