using System.Net;
using System.Net.Http.Json;

namespace Appointments.Host.Tests;

/// <summary>API.md's "Routes": a create or change answers the document and its ETag, so the next If-Match needs no GET.</summary>
public abstract class ChangeAnswersApiTests<TApp>(TApp app) : ApiTestBase<TApp>(app)
    where TApp : AppFixture
{
    [Fact]
    public async Task A_booking_answers_its_document_and_etag_which_the_next_change_can_use_at_once()
    {
        var patient = App.NewPatient(out _);
        var created = await Book(patient, Booking(NewDoctor(), FromNow(TimeSpan.FromDays(3))));
        var booked = await Json(created);

        var moved = await Send(patient, HttpMethod.Put, $"/api/appointments/{booked.GetProperty("_id").GetString()}/reschedule",
            new { new_date_time = FromNow(TimeSpan.FromDays(4)) }, created.Headers.ETag!.Tag);
        var body = await Json(moved);

        created.StatusCode.Should().Be(HttpStatusCode.Created);
        booked.GetProperty("message").GetString().Should().Be("Appointment created successfully");
        booked.GetProperty("appointment").GetProperty("status").GetString().Should().Be("scheduled");
        moved.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
        body.GetProperty("message").GetString().Should().Be("Appointment rescheduled successfully");
        body.GetProperty("appointment").GetProperty("date_time").GetString().Should().Be(FromNow(TimeSpan.FromDays(4)));
        moved.Headers.ETag!.Tag.Should().NotBe(created.Headers.ETag.Tag);
        (await patient.GetAsync(created.Headers.Location)).Headers.ETag!.Tag.Should().Be(moved.Headers.ETag.Tag);
    }

    [Fact]
    public async Task A_cancel_and_an_update_answer_the_document_as_it_is_now()
    {
        var patient = App.NewPatient(out _);
        var id = await BookOk(patient, Booking(NewDoctor(), FromNow(TimeSpan.FromDays(3))));

        var updated = await Json(await patient.PutAsJsonAsync($"/api/appointments/{id}", new { phone = "+15555550123" }));
        var cancelled = await Json(await patient.PostAsJsonAsync($"/api/appointments/{id}/cancel", new { reason = "Away" }));

        updated.GetProperty("message").GetString().Should().Be("Appointment updated successfully");
        updated.GetProperty("appointment").GetProperty("phone").GetString().Should().Be("+15555550123");
        cancelled.GetProperty("message").GetString().Should().Be("Appointment canceled successfully");
        cancelled.GetProperty("appointment").GetProperty("cancellation").GetProperty("reason").GetString().Should().Be("Away");
    }

    [Fact]
    public async Task A_412_says_the_version_there_is_now()
    {
        var patient = App.NewPatient(out _);
        var id = await BookOk(patient, Booking(NewDoctor(), FromNow(TimeSpan.FromDays(3))));
        var first = await patient.GetAsync($"/api/appointments/{id}");
        var changed = await Send(patient, HttpMethod.Put, $"/api/appointments/{id}", new { phone = "+15555550123" }, first.Headers.ETag!.Tag);

        var stale = await Send(patient, HttpMethod.Put, $"/api/appointments/{id}", new { phone = "+15555550124" }, first.Headers.ETag.Tag);

        var problem = await ShouldBeProblem(stale, HttpStatusCode.PreconditionFailed, "Appointment was changed by someone else");
        problem.GetProperty("code").GetString().Should().Be("precondition_failed");
        problem.GetProperty("etag").GetString().Should().Be(changed.Headers.ETag!.Tag);
        stale.Headers.ETag!.Tag.Should().Be(changed.Headers.ETag.Tag);
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, object body, string ifMatch)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }
}

public sealed class EmbeddedChangeAnswersApiTests(EmbeddedApp app) : ChangeAnswersApiTests<EmbeddedApp>(app);

public sealed class DaprChangeAnswersApiTests(DaprApp app) : ChangeAnswersApiTests<DaprApp>(app);
