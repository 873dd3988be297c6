using Appointments.Notifications.Notices;
using Appointments.Notifications.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace Appointments.Notifications.Tests;

/// <summary>Claims do not pile up: each goes once it guards nothing, and not before.</summary>
public sealed class ClaimExpiryTests
{
    private readonly FakeTimeProvider _clock = new(ClinicHost.Start);

    [Fact]
    public async Task A_notice_claim_goes_with_its_outbox_event_and_a_reminder_claim_once_its_hour_is_two_days_past()
    {
        using var clinic = new ClinicHost(_clock, email: new ScriptedChannel());
        var start = ClinicHost.Start.AddHours(2);
        var id = await clinic.BookAsync("alice", start);
        await clinic.Notices.RunAsync(CancellationToken.None);
        await clinic.Scan.RunAsync(CancellationToken.None);
        var reminderClaim = ReminderScan.ClaimKey(id, start);
        var noticeClaim = NoticeScan.ClaimKey($"{id}-1");
        var afterSending = await ExistAsync(clinic, reminderClaim, noticeClaim);

        _clock.Advance(TimeSpan.FromDays(1));
        await clinic.Purge.PurgeOnceAsync(CancellationToken.None);
        var afterADay = await ExistAsync(clinic, reminderClaim);
        _clock.Advance(TimeSpan.FromDays(1.5));
        await clinic.Purge.PurgeOnceAsync(CancellationToken.None);
        await clinic.Scan.RunAsync(CancellationToken.None);

        afterSending.Should().Equal(true, false);
        afterADay.Should().Equal(true);
        (await ExistAsync(clinic, reminderClaim)).Should().Equal(false);
        (await clinic.PendingEventsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_recipients_count_of_messages_goes_once_its_day_has_passed()
    {
        using var clinic = new ClinicHost(_clock, email: new ScriptedChannel());
        await clinic.BookAsync("alice", ClinicHost.Start.AddDays(3));
        await clinic.Notices.RunAsync(CancellationToken.None);
        var counted = RecipientKeys(clinic);

        _clock.Advance(TimeSpan.FromDays(1));
        await clinic.Purge.PurgeOnceAsync(CancellationToken.None);
        var nextDay = RecipientKeys(clinic);
        _clock.Advance(TimeSpan.FromDays(2));
        await clinic.Purge.PurgeOnceAsync(CancellationToken.None);

        counted.Should().NotBeEmpty();
        nextDay.Should().BeEquivalentTo(counted, "yesterday's count still limits today's messages");
        RecipientKeys(clinic).Should().BeEmpty();
    }

    private static List<string> RecipientKeys(ClinicHost clinic) =>
        new TestSupport.SqliteFile(clinic.DatabasePath).Keys().Keys.Where(k => k.StartsWith("notice-recipient", StringComparison.Ordinal) && !k.EndsWith("purged-through", StringComparison.Ordinal)).ToList();

    private static async Task<bool[]> ExistAsync(ClinicHost clinic, params string[] keys) =>
        (await clinic.Store.GetBulkAsync(keys)).Select(e => e.Exists).ToArray();
}
