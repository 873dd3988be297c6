namespace Appointments.Host.Tests;

/// <summary>
/// Email in Dapr mode as patients receive it: the sidecar double's SMTP binding shares its fields across concurrent
/// sends exactly as daprd's does (DAPR.md, "Third reading"), so the app must send through it one at a time.
/// </summary>
public sealed class DaprEmailApiTests(DaprTokensApp app) : ApiTestBase<DaprTokensApp>(app)
{
    [Fact]
    public async Task Notices_and_reminders_sent_at_once_each_reach_their_own_patient_with_their_own_subject()
    {
        var doctorOf = new Dictionary<string, string>();
        for (var i = 0; i < 8; i++)
        {
            var patient = App.NewPatient(out var username);
            var (doctor, email) = (NewDoctor(), $"{username}@example.com");
            var booking = Booking(doctor, FromNow(TimeSpan.FromHours(3) + TimeSpan.FromMinutes(30 * i)));
            booking["email"] = email;
            await BookOk(patient, booking);
            doctorOf[email] = doctor;
        }

        // Each cron binding fires on its own schedule: a notice scan (four appointments at a time) and a reminder
        // scan run side by side.
        await Task.WhenAll(Cron("notice-cron"), Cron("reminder-cron"));

        var emails = App.Sidecar.BindingCalls.Where(call => call.Name == "email").ToList();
        emails.Should().HaveCount(16, "a confirmation and a reminder for each of the eight patients");
        emails.Should().AllSatisfy(email =>
        {
            var recipient = email.Used["emailTo"];
            recipient.Should().Be(email.Metadata["emailTo"], "the component must deliver to the recipient the app asked for");
            email.Used["subject"].Should().Be(email.Metadata["subject"]);
            email.SentText.Should().Contain(doctorOf[recipient], "a patient must read about their own appointment");
            email.Used.Should().NotContainKeys(["emailCC", "emailBCC"]);
        });
        emails.GroupBy(email => email.Used["emailTo"]).Should().HaveCount(8)
            .And.AllSatisfy(mine => mine.Select(email => email.Used["subject"]).Should().BeEquivalentTo(["Appointment Confirmation", "Appointment Reminder"]));
    }

    private async Task Cron(string route)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/{route}");
        request.Headers.Add("dapr-api-token", DaprTokensApp.AppToken);
        using var response = await App.Client().SendAsync(request);
        response.EnsureSuccessStatusCode();
    }
}
