using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Appointments.Tests.DaprSidecar;

/// <summary>The gRPC service instance the handlers run on; one per sidecar.</summary>
internal sealed class DaprGrpcService(StateService state, BindingService bindings)
{
    public StateService State { get; } = state;

    public BindingService Bindings { get; } = bindings;
}

/// <summary>
/// Registers the <c>dapr.proto.runtime.v1.Dapr</c> methods by hand: Dapr.Protos ships client stubs only.
/// Methods not listed here answer <c>Unimplemented</c>.
/// </summary>
internal sealed class DaprGrpcMethods : IServiceMethodProvider<DaprGrpcService>
{
    private const string ServiceName = "dapr.proto.runtime.v1.Dapr";

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<DaprGrpcService> context)
    {
        Add<GetStateRequest, GetStateResponse>(context, "GetState", (service, request) => service.State.GetState(request));
        Add<GetBulkStateRequest, GetBulkStateResponse>(context, "GetBulkState", (service, request) => service.State.GetBulkState(request));
        Add<SaveStateRequest, Google.Protobuf.WellKnownTypes.Empty>(context, "SaveState", (service, request) => service.State.SaveState(request));
        Add<DeleteStateRequest, Google.Protobuf.WellKnownTypes.Empty>(context, "DeleteState", (service, request) => service.State.DeleteState(request));
        Add<ExecuteStateTransactionRequest, Google.Protobuf.WellKnownTypes.Empty>(
            context, "ExecuteStateTransaction", (service, request) => service.State.ExecuteStateTransaction(request));
        // Asynchronous, so that calls run at once as on daprd, where each has its own goroutine.
        var invokeBinding = new Method<InvokeBindingRequest, InvokeBindingResponse>(
            MethodType.Unary, ServiceName, "InvokeBinding", MarshallerOf<InvokeBindingRequest>(), MarshallerOf<InvokeBindingResponse>());
        context.AddUnaryMethod(invokeBinding, [], (service, request, _) => service.Bindings.InvokeBindingAsync(request));
    }

    private static void Add<TRequest, TResponse>(
        ServiceMethodProviderContext<DaprGrpcService> context,
        string name,
        Func<DaprGrpcService, TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = new Method<TRequest, TResponse>(MethodType.Unary, ServiceName, name, MarshallerOf<TRequest>(), MarshallerOf<TResponse>());
        context.AddUnaryMethod(method, [], (service, request, _) => Task.FromResult(handler(service, request)));
    }

    private static Marshaller<T> MarshallerOf<T>()
        where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create(message => message.ToByteArray(), parser.ParseFrom);
    }
}
