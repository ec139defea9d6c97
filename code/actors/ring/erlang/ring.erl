%% The token ring, in Erlang, for the book's side-by-side measurement.
%%
%% Run as a small server: `erl -noshell -pa DIR -run ring serve`. Each line on
%% standard input is "N HOPS"; the server builds a ring of N processes, starts
%% the clock, sends the token in, stops the clock when the token has made HOPS
%% hops, tears the ring down, and prints "NANOSECONDS LAST" (LAST is the
%% index of the process where the token stopped). Before the clock starts,
%% the token goes once around the ring untimed, so every process has run.
%% Building, the settling lap and tearing down are outside the clock, and so
%% is starting the VM: the Rust side times the same span of its own rings.
-module(ring).
-export([serve/0, run/2]).

serve() ->
    case io:get_line("") of
        eof ->
            halt(0);
        Line ->
            [N, Hops] = [list_to_integer(Word) || Word <- string:lexemes(Line, " \n")],
            {Nanos, Last} = run(N, Hops),
            io:format("~b ~b~n", [Nanos, Last]),
            serve()
    end.

run(N, Hops) ->
    Collector = self(),
    Nodes = [spawn(fun() -> wait_for_next(Index, Collector) end) || Index <- lists:seq(0, N - 1)],
    close_ring(Nodes, hd(Nodes)),
    %% One untimed lap, so that every process has started and run.
    hd(Nodes) ! {token, N},
    receive {done, _} -> ok end,
    Start = erlang:monotonic_time(nanosecond),
    hd(Nodes) ! {token, Hops},
    Last = receive {done, Index} -> Index end,
    Stop = erlang:monotonic_time(nanosecond),
    %% Tear down, and wait until every process has gone, so that the next
    %% ring is not measured while this one is still exiting.
    Watches = [monitor(process, Node) || Node <- Nodes],
    [Node ! stop || Node <- Nodes],
    [receive {'DOWN', Watch, process, _, _} -> ok end || Watch <- Watches],
    {Stop - Start, Last}.

%% Tells each process who comes after it; the last one points at the first.
close_ring([Node], First) -> Node ! {next, First};
close_ring([Node, After | Rest], First) -> Node ! {next, After}, close_ring([After | Rest], First).

wait_for_next(Index, Collector) ->
    receive {next, Next} -> node(Index, Next, Collector) end.

%% One actor of the ring: pass the token on with one hop fewer to go, or,
%% when none is left, tell the collector where the token stopped.
node(Index, Next, Collector) ->
    receive
        {token, 0} -> Collector ! {done, Index}, node(Index, Next, Collector);
        {token, K} -> Next ! {token, K - 1}, node(Index, Next, Collector);
        stop -> ok
    end.
