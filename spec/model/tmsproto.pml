/*
 * tmsproto.pml -- a Promela model of the terminal and TMS state machines of tmsproto
 * (spec/09-terminal-states.md, spec/10-tms-states.md) against a Dolev-Yao network attacker.
 *
 * Run through spec/model/check, which builds one verifier per property (-D<property> below) and
 * says PASS or FAIL for each. What the model keeps and what it leaves out is listed here so that a
 * reader can judge what a PASS means.
 *
 * Kept
 *  - The two state tables, row by row (T1-T15, S1-S11, S13), with the spec's state and message
 *    names (test_model_names.py compares them with the tables). REQ-TERM-001, REQ-TMS-001.
 *  - Two terminal sessions one after the other (each a fresh engine, fresh T_DATA, TRANS_CODE 01 or
 *    02 chosen freely) and two TMS session engines (one per connection) sharing the replay cache
 *    (REQ-TMS-002, REQ-HS-013). A program download has one package of NPIECE pieces; staged pieces
 *    and the installed version survive a failed session (breakpoint resume, REQ-DL-020).
 *  - The network is the attacker: every message sent is published to it; it delivers any published
 *    message to any engine, any number of times, in any order, or never (loss, duplication,
 *    reordering, replay, reflection, redirection to another session), composes HS_REQUEST from any
 *    T_DATA it has seen or its own nonce, any OFFERED_PROFILES and TRANS_CODE, rewrites PROFILE in
 *    a HS_AUTH_REQUEST it has seen, and sends ABORT, bodies of unknown type (RX_MALFORMED) and types
 *    the receiver's role never receives (RX_UNEXPECTED).
 *  - Symbolic cryptography. Nonces are small integers: T_DATA of terminal session i is i, the
 *    attacker's own is ATT; S_DATA, DWK and DSK of TMS engine c are c. A cryptogram is the pair
 *    (key, transcript): a message carries its creator's id in its o field, and checking its MAC
 *    means comparing the creator's recorded transcript with the checker's own view. The attacker
 *    holds no DMK (REQ-KEY-002, REQ-KEY-004), so it never learns a DWK or DSK and cannot form a
 *    cryptogram; it can only move the ones it has seen, with the covered fields fixed (but see
 *    -DDWK_LEAK below). A MAC made under one profile's algorithm only verifies under that
 *    algorithm.
 *  - Transcript binding (REQ-HS-001, REQ-CRYPTO-032, REQ-CRYPTO-033, REQ-CRYPTO-036): TAC_1, SAC_1
 *    and KEY_MAC cover T_DATA, S_DATA, DWK_1, TRANS_CODE, OFFERED_PROFILES and PROFILE. Compiled
 *    with -DNO_PROFILE_BINDING they no longer cover OFFERED_PROFILES (the transcript binding of the
 *    offer, REQ-SEC-005, removed); the downgrade property must then fail.
 *  - The secure envelope (REQ-DL-001, REQ-DL-002): MAC under the session's DSK, then SEQ per
 *    direction, then the payload, as section 9.2 orders them.
 *  - The terminal's information upload (REQ-DL-040): after KEY_MESSAGE the terminal's first
 *    envelope is TERM_INFO (SEQ 0), followed at once by SESSION_END or PKG_ANNOUNCE (SEQ 1); the
 *    TMS waits for it in S_WAIT_TERM_INFO and takes it in row S13, which sends nothing. Of the
 *    report only its PACKAGE items are modelled (the installed version, REQ-DL-041), so that row
 *    S3 checks PKG_ANNOUNCE against them (REQ-DL-043); a report too big for TERM_INFO (rows T3,
 *    T4) and a store that fails (row S13, REQ-DL-042) are failure branches [96].
 *  - Session binding of DWK_1 (REQ-HS-017, REQ-HS-025): DWK_1 is a key block whose header the DMK
 *    authenticates, and its header carries SHA-256 of the HS_REQUEST the issuing engine accepted;
 *    the terminal refuses a DWK_1 whose digest is not that of the HS_REQUEST it sent. Symbolically,
 *    engine c's DWK_1 is bound to (s_t[c], s_off[c], s_trans[c]), the T_DATA, OFFERED_PROFILES and
 *    TRANS_CODE it accepted, and the attacker cannot change that binding without the DMK. Compiled
 *    with -DNO_DWK_BINDING the terminal does not check it; property 7 must then fail.
 *  - A leaked session key (-DDWK_LEAK, switched on by -DP_IMPERSONATION): the attacker also knows
 *    the DWK of every DWK_1 an engine has issued (TMS memory, a core dump, a briefly compromised
 *    terminal), from the moment it is issued. Knowledge only grows and the attacker may leave it
 *    unused, so this attacker can do whatever one that learns some DWK at some later time can: a
 *    property that holds against it holds against every pattern of leaks. With a DWK it takes that
 *    engine's DWK_1 (unchanged: it still has no DMK), picks its own S_DATA and computes K_MAC, and
 *    with it TAC_1 over the transcript of whichever terminal session it is talking to; such a
 *    HS_AUTH_REQUEST carries v = FORGED. What it does once the terminal has accepted it (forge
 *    KEY_MESSAGE and install keys of its choosing, test the operator's password offline against
 *    OPERATOR_PROOF) is not modelled: property 7 is already violated at that point, and the
 *    terminal of the model, whose peer is then the attacker (t_peer 0), waits until it times out.
 *    DSKs and delivered keys, which a DWK would also expose, are not modelled as leaked either, so
 *    under -DDWK_LEAK only property 7 is meaningful. -DLEAK_EARLIER_ONLY narrows the leak to the
 *    attack the review describes (the DWK of a DWK_1 issued for an earlier session of the
 *    terminal), for the counter-example without binding; the property is checked against the
 *    stronger attacker.
 *
 * Abstracted or left out (each is checked elsewhere or does not bear on these properties)
 *  - Profiles: two, TDES and AES128 (model values 1 and 2, not the wire values), both transcript
 *    bound; the terminal offers both. LEGACY is off by default (REQ-CRYPTO-020) and not modelled;
 *    its DWK_1, a bare DES block, cannot carry the binding of REQ-HS-017, so property 7 does not
 *    hold there (which is why the spec restricts LEGACY to unattended program downloads).
 *    The TMS picks the strongest offered profile its policy allows for the terminal. That is
 *    deliberately weaker than REQ-HS-011 (exactly one candidate, the DMK's), so that the transcript
 *    binding is checked on its own; -DSINGLE_CANDIDATE gives REQ-HS-011's policy.
 *  - One terminal identity: header identity checks [26], vendor, model, serial [04-06] and
 *    key-set checks [15] never fail; the operator proof [25] is folded into SAC_1 (same key, same
 *    nonces); T_TIME freshness [09] is left to the replay cache; vendor signatures, rollback and
 *    piece digests [18/19/20/27] always pass (the package is genuine); request budget [24] and
 *    field-by-field body parsing are out (one RX_MALFORMED event stands for any bad body).
 *  - Response codes are not recorded: a failure row goes to T_FAILED / S_FAILED; the ABORT a side
 *    sends is not published (the attacker can send ABORT anyway).
 *  - Local events TIMEOUT, CONN_LOST and CANCEL can happen in every waiting state (T11-T13, S8,
 *    S9); T16 (START while busy) is a local no-op and not modelled; T17, T18 and S12 are.
 *  - New connections go to the lowest-numbered idle TMS engine (engines are interchangeable).
 *
 * Properties (each an assertion group switched on by its define; spin also reports any invalid
 * end state in every run)
 *  -DP_RECEPTION  1. every (state, event) pair matches exactly one table row, and no run ends
 *                    with an engine stuck (REQ-TERM-001, REQ-TMS-001, REQ-ERR-002)
 *  -DP_AGREE      2. injective agreement: a TMS engine sends KEY_MESSAGE only after a SAC_1 that
 *                    the terminal made for this engine's S_DATA and transcript, at most once per
 *                    terminal session (REQ-HS-031, REQ-HS-032, REQ-TMS-004, REQ-SEC-001)
 *  -DP_KEYS       3. the terminal stores keys only after a TAC_1 over its own T_DATA, from the
 *                    engine that checked its SAC_1 (REQ-HS-022, REQ-TERM-002, REQ-SEC-001)
 *  -DP_FRAME      4. no FRAME_RESPONSE is accepted, and no FRAME_REQUEST served, outside the
 *                    session the two sides authenticated (REQ-DL-001, REQ-SEC-006)
 *  -DP_REPLAY     5. a replayed handshake never completes (REQ-SEC-003, REQ-HS-013)
 *  -DP_DOWNGRADE  6. a handshake completes only under the profile the TMS would choose from the
 *                    terminal's genuine offer (REQ-SEC-005); must FAIL with -DNO_PROFILE_BINDING
 *                    -DNO_DWK_BINDING (the DWK_1 binding covers the offer too, so each of the two
 *                    bindings alone stops the downgrade)
 *  -DP_IMPERSONATION 7. against an attacker that knows leaked DWKs (-DDWK_LEAK), the terminal
 *                    accepts a HS_AUTH_REQUEST (sends HS_AUTH_ANSWER) only with a DWK_1 the TMS
 *                    issued for the HS_REQUEST this session sent: a DWK_1 of another session is
 *                    refused, so a leaked DWK does not let anyone impersonate the TMS in a later
 *                    session (REQ-SEC-014, REQ-HS-025, REQ-HS-017); must FAIL with -DNO_DWK_BINDING
 *  -DREACH_*      vacuity checks: a success path the properties speak about is reachable (the
 *                    assertion must FAIL); REACH_FORGED_ACCEPTED (with -DDWK_LEAK): a TAC_1 the
 *                    attacker forged is accepted, with the DWK_1 issued for that very session
 */

#ifndef NSESS
#define NSESS   2          /* terminal sessions, one after the other */
#endif
#define NENG    2          /* TMS session engines */
#define NPIECE  2          /* pieces of the one package */
#define ALL_PIECES 3       /* (1 << NPIECE) - 1 */
#define ATT     3          /* the attacker's own T_DATA nonce */

#define TDES    1          /* OFFERED_PROFILES bit and PROFILE value (model encoding) */
#define AES     2
#define T_OFFER 3          /* the terminal offers TDES and AES128 */

#ifdef SINGLE_CANDIDATE
#define TMS_ALLOWED AES    /* REQ-HS-011: only the profile of the terminal's DMK */
#else
#define TMS_ALLOWED 3      /* over-approximation: the TMS would accept either */
#endif
/* The profile the TMS chooses from an offer: the strongest it allows; 0 = none acceptable. */
#define BEST(off) ((((off) & TMS_ALLOWED & AES) != 0) -> AES : \
                   ((((off) & TMS_ALLOWED & TDES) != 0) -> TDES : 0))

#ifdef NO_PROFILE_BINDING
#define OFFER_BOUND(x) true
#else
#define OFFER_BOUND(x) (x)
#endif

/* Property 7 is about an attacker that knows leaked DWKs; without them it would hold vacuously. */
#if defined(P_IMPERSONATION) && !defined(DWK_LEAK)
#define DWK_LEAK
#endif
#define FORGED  1          /* v of a HS_AUTH_REQUEST whose S_DATA and TAC_1 the attacker made */

mtype:msg = { HS_REQUEST, HS_AUTH_REQUEST, HS_AUTH_ANSWER, KEY_MESSAGE, PKG_ANNOUNCE,
              PKG_CONFIRM, FRAME_REQUEST, FRAME_RESPONSE, SESSION_END, SESSION_END_ACK,
              TERM_INFO, ABORT };
mtype:tstate = { T_IDLE, T_WAIT_AUTH_REQUEST, T_WAIT_KEY_MESSAGE, T_WAIT_PKG_CONFIRM,
                 T_WAIT_FRAME, T_WAIT_END_ACK, T_DONE, T_FAILED };
mtype:sstate = { S_IDLE, S_WAIT_AUTH_ANSWER, S_WAIT_TERM_INFO, S_WAIT_SESSION_END,
                 S_WAIT_PKG_ANNOUNCE, S_SERVING, S_DONE, S_FAILED };

#define MALFORMED 0        /* a body of unknown type: event RX_MALFORMED (REQ-MSG-001) */

/*
 * Channels: the attacker delivers to each engine over a rendezvous channel. Fields:
 * type, o, p, seq, v --
 *   HS_REQUEST       o = T_DATA nonce, p = OFFERED_PROFILES, v = TRANS_CODE
 *   HS_AUTH_REQUEST  o = engine that issued the DWK_1, p = PROFILE, v = 0: S_DATA and TAC_1 are
 *                    that engine's too; v = FORGED: the attacker's, under a leaked DWK (-DDWK_LEAK)
 *   HS_AUTH_ANSWER   o = creating terminal session (its SAC_1)
 *   KEY_MESSAGE      o = creating engine (KEY_MAC, DSK), v = TRANS_CODE
 *   envelopes        o = creator, seq = SEQ, v = payload (piece, COUNT, installed, RESULT);
 *                    for TERM_INFO v = its PACKAGE items, i.e. installed (REQ-DL-041)
 */
chan to_t = [0] of { mtype:msg, byte, byte, byte, byte };
chan to_s[NENG + 1] = [0] of { mtype:msg, byte, byte, byte, byte };

/* --- The terminal: its engine's state, and what each session published (the attacker's view). */
mtype:tstate t_state = T_IDLE;
byte t_sess;                          /* current session, 1..NSESS; also its T_DATA nonce */
byte t_trans[NSESS + 1];              /* TRANS_CODE of each session (1 = `01`, 2 = `02`) */
byte t_pub[NSESS + 1];                /* published: bit 0 HS_REQUEST, bit 1 HS_AUTH_ANSWER */
#define P_HSREQ  1
#define P_ANSWER 2
byte t_peer[NSESS + 1];               /* engine whose DWK_1 / TAC_1 the session accepted; 0 =
                                         the attacker's TAC_1 under a leaked DWK (-DDWK_LEAK) */
byte t_prof[NSESS + 1];               /* the PROFILE it accepted */
byte t_info[NSESS + 1];               /* TERM_INFO sent: installed + 1 (SEQ 0, REQ-DL-040) */
byte t_ann[NSESS + 1];                /* PKG_ANNOUNCE sent: installed + 1 (SEQ 1, REQ-DL-040) */
byte t_fq[(NSESS + 1) * NPIECE];      /* FRAME_REQUEST for a piece sent: its SEQ + 1 */
byte t_end[NSESS + 1];                /* SESSION_END sent: its SEQ + 1 */
byte t_endres[NSESS + 1];             /* its RESULT: 0 = `00`, 1 = `18` / `22` */
byte t_keys;                          /* sessions (bit i) whose row T3 stored delivered keys */
byte t_rx;                            /* next SEQ expected from the TMS */
byte t_tx;                            /* next SEQ to send */
byte t_want;                          /* the piece of the outstanding FRAME_REQUEST */
bit  installed;                       /* the package's new version is installed */
byte staged;                          /* verified staged pieces (bit p), kept across sessions */

/* --- The TMS engines (index 1..NENG; 0 unused). */
mtype:sstate s_state[NENG + 1];
byte s_t[NENG + 1];                   /* T_DATA of the HS_REQUEST it accepted */
byte s_off[NENG + 1];                 /* OFFERED_PROFILES of that HS_REQUEST */
byte s_trans[NENG + 1];               /* its TRANS_CODE */
byte s_prof[NENG + 1];                /* PROFILE chosen */
byte s_pub[NENG + 1];                 /* published: bit 0 HS_AUTH_REQUEST, bit 1 KEY_MESSAGE */
#define P_AREQ 1
#define P_KEYM 2
bit  s_sac[NENG + 1];                 /* SAC_1 = SAC_0 was checked (row S2) */
byte s_info[NENG + 1];                /* report stored (row S13): installed + 1 */
byte s_conf[NENG + 1];                /* PKG_CONFIRM sent: COUNT + 1 (SEQ 0) */
byte s_fr[(NENG + 1) * NPIECE];       /* FRAME_RESPONSE for a piece sent: its SEQ + 1 */
byte s_ack[NENG + 1];                 /* SESSION_END_ACK sent: its SEQ + 1 */
byte s_rx[NENG + 1];
byte s_tx[NENG + 1];
byte cache;                           /* replay cache (REQ-HS-013): bit t = T_DATA t accepted */
#ifdef P_REPLAY
bit  s_replayed[NENG + 1];            /* ghost: the engine accepted a replayed HS_REQUEST */
#endif

/* Scratch, set and used inside one atomic step, so not part of the state vector. */
hidden mtype:msg r_ty, e_ty;
hidden byte r_o, r_p, r_seq, r_v, r_rows;            /* terminal */
hidden byte e_o, e_p, e_seq, e_v, e_rows, e_i;       /* TMS */
hidden byte a_c, a_t, a_o, a_v;                      /* attacker */

#define T_WAITING (t_state == T_WAIT_AUTH_REQUEST || t_state == T_WAIT_KEY_MESSAGE || \
                   t_state == T_WAIT_PKG_CONFIRM || t_state == T_WAIT_FRAME || \
                   t_state == T_WAIT_END_ACK)
#define S_NONFINAL(c) (s_state[c] != S_DONE && s_state[c] != S_FAILED)
#define BIT(n) (1 << (n))
#define LOWEST_MISSING ((staged & 1) == 0 -> 0 : 1)

/* ============================== Terminal (spec/09-terminal-states.md) ===================== */

/* The (state, message) pairs the table lists by name; every other known type is row T14. */
#define T_LISTED(st, ty) ((st == T_WAIT_AUTH_REQUEST && ty == HS_AUTH_REQUEST) || \
                          (st == T_WAIT_KEY_MESSAGE && ty == KEY_MESSAGE) || \
                          (st == T_WAIT_PKG_CONFIRM && ty == PKG_CONFIRM) || \
                          (st == T_WAIT_FRAME && ty == FRAME_RESPONSE) || \
                          (st == T_WAIT_END_ACK && ty == SESSION_END_ACK))

/* Row guards, written from the table. T5/T6 and T7/T8 split on the (claimed) payload. */
#define LEAVES_PIECES (r_v == 1 && staged != ALL_PIECES)
#define MORE_AFTER    ((staged | BIT(r_v)) != ALL_PIECES)
#define G_T2  (t_state == T_WAIT_AUTH_REQUEST && r_ty == HS_AUTH_REQUEST)
#define G_T3  (t_state == T_WAIT_KEY_MESSAGE && r_ty == KEY_MESSAGE && t_trans[t_sess] == 1)
#define G_T4  (t_state == T_WAIT_KEY_MESSAGE && r_ty == KEY_MESSAGE && t_trans[t_sess] == 2)
#define G_T5  (t_state == T_WAIT_PKG_CONFIRM && r_ty == PKG_CONFIRM && LEAVES_PIECES)
#define G_T6  (t_state == T_WAIT_PKG_CONFIRM && r_ty == PKG_CONFIRM && !LEAVES_PIECES)
#define G_T7  (t_state == T_WAIT_FRAME && r_ty == FRAME_RESPONSE && MORE_AFTER)
#define G_T8  (t_state == T_WAIT_FRAME && r_ty == FRAME_RESPONSE && !MORE_AFTER)
#define G_T9  (t_state == T_WAIT_END_ACK && r_ty == SESSION_END_ACK)
#define G_T10 (T_WAITING && r_ty == ABORT)
#define G_T14 (T_WAITING && r_ty != MALFORMED && r_ty != ABORT && !T_LISTED(t_state, r_ty))
#define G_T15 (T_WAITING && r_ty == MALFORMED)
#define G_T17 (t_state == T_IDLE)
#define G_T18 (t_state == T_DONE || t_state == T_FAILED)
#define ONE(g) ((g) -> 1 : 0)

/*
 * DWK_1 check (REQ-HS-020, REQ-CRYPTO-031): every DWK_1 the attacker can deliver was made by an
 * engine (r_o) under our DMK, so it unwraps; its header must be the one PROFILE requires, i.e. the
 * engine's profile. Then the binding (REQ-HS-025): the digest in the header, of the HS_REQUEST
 * engine r_o accepted (REQ-HS-017), must be that of the HS_REQUEST we sent -- our T_DATA, offer
 * and TRANS_CODE. The attacker cannot change either without the DMK.
 */
#define DWK1_HEADER_OK (s_prof[r_o] == r_p)
#ifdef NO_DWK_BINDING
#define DWK1_BOUND true
#else
#define DWK1_BOUND (s_t[r_o] == t_sess && s_off[r_o] == T_OFFER && s_trans[r_o] == t_trans[t_sess])
#endif
/*
 * TAC_1 check (REQ-HS-021, REQ-HS-022, REQ-CRYPTO-032): TAC_1 made by engine r_o is over its
 * TH_TAC, which must be ours: our T_DATA and TRANS_CODE, our offer (unless the binding is
 * removed), the PROFILE we act on (the MAC's algorithm). S_DATA and DWK_1 are r_o's and cannot be
 * changed without breaking TAC_1, so the model does not let the attacker change them. A FORGED
 * TAC_1 was computed by the attacker, who knows the DWK, over our own transcript: it verifies
 * whenever the MAC algorithm is PROFILE's.
 */
#define TAC_OK ((r_v == FORGED) -> DWK1_HEADER_OK : \
                (s_t[r_o] == t_sess && s_trans[r_o] == t_trans[t_sess] && s_prof[r_o] == r_p && \
                 OFFER_BOUND(s_off[r_o] == T_OFFER)))
/* KEY_MAC (REQ-KEY-020, REQ-CRYPTO-036): under the K_MAC of the DWK we accepted, over TH_KEY. */
#define KEY_MAC_OK (r_o == t_peer[t_sess] && s_t[r_o] == t_sess && \
                    s_trans[r_o] == t_trans[t_sess] && s_prof[r_o] == t_prof[t_sess] && \
                    OFFER_BOUND(s_off[r_o] == T_OFFER))

/* Envelope checks in section 9.2's order: MAC under the DSK [13], then SEQ [14] (REQ-DL-002). */
inline t_envelope_ok(ok) {
  if
  :: r_o != t_peer[t_sess] -> ok = false   /* [13]: another session's DSK (REQ-MSG-070) */
  :: r_o == t_peer[t_sess] && r_seq != t_rx -> ok = false   /* [14] */
  :: r_o == t_peer[t_sess] && r_seq == t_rx -> ok = true; t_rx++
  fi
}

inline t_send_frame_request() {
  t_want = LOWEST_MISSING;
  t_fq[t_sess * NPIECE + t_want] = t_tx + 1;
  t_tx++
}

/* Check the staged package and apply it (REQ-DL-030), then SESSION_END with the outcome. */
inline t_apply_and_end() {
  if
  :: r_v == 0 -> t_endres[t_sess] = 0            /* COUNT 0: nothing to do (REQ-DL-033) */
  :: r_v != 0 -> installed = 1; staged = 0; t_endres[t_sess] = 0
  :: r_v != 0 -> staged = 0; t_endres[t_sess] = 1  /* digest [18] or apply [22] failed */
  fi;
  t_end[t_sess] = t_tx + 1;
  t_tx++;
  t_state = T_WAIT_END_ACK
}

#ifdef P_FRAME
/* Property 4 (REQ-SEC-006, REQ-DL-001): the FRAME_RESPONSE comes from the engine this session
 * authenticated, and that engine authenticated this session (REQ-SEC-001). */
#define ASSERT_AUTHENTICATED_FRAME \
  assert(r_o == t_peer[t_sess] && (t_pub[t_sess] & P_ANSWER) && s_sac[r_o] && \
         s_t[r_o] == t_sess && (s_pub[r_o] & P_KEYM))
#else
#define ASSERT_AUTHENTICATED_FRAME skip
#endif

#ifdef P_DOWNGRADE
/* Property 6 (REQ-SEC-005, REQ-MSG-040, REQ-HS-011): a handshake completes only under the profile
 * the TMS would have chosen from the offer the terminal really sent. */
#define ASSERT_NO_DOWNGRADE(prof) assert((prof) == BEST(T_OFFER))
#else
#define ASSERT_NO_DOWNGRADE(prof) skip
#endif

inline t_receive() {
#ifdef P_RECEPTION
  /* Property 1: each (state, event) pair matches exactly one row (REQ-TERM-001). */
  r_rows = ONE(G_T2) + ONE(G_T3) + ONE(G_T4) + ONE(G_T5) + ONE(G_T6) + ONE(G_T7) + ONE(G_T8) +
           ONE(G_T9) + ONE(G_T10) + ONE(G_T14) + ONE(G_T15) + ONE(G_T17) + ONE(G_T18);
  assert(r_rows == 1);
#endif
  /* No else: a pair no row covers blocks here and spin reports an invalid end state. */
  if
  :: G_T2 ->
     if
     :: (r_p & T_OFFER) == 0 -> t_state = T_FAILED     /* PROFILE not offered [08], REQ-MSG-040 */
     :: (r_p & T_OFFER) != 0 && !(DWK1_HEADER_OK && DWK1_BOUND) ->
        t_state = T_FAILED                              /* DWK_1 header [11], REQ-HS-025 */
     :: (r_p & T_OFFER) != 0 && DWK1_HEADER_OK && DWK1_BOUND && !TAC_OK ->
        t_state = T_FAILED                              /* [11], REQ-HS-024 */
     :: (r_p & T_OFFER) != 0 && DWK1_HEADER_OK && DWK1_BOUND && TAC_OK ->
#ifdef P_REPLAY
        /* Property 5: a HS_AUTH_REQUEST made for another session is never accepted (REQ-SEC-003). */
        assert(s_t[r_o] == t_sess);
#endif
#ifdef P_IMPERSONATION
        /* Property 7 (REQ-SEC-014, REQ-HS-025): the DWK_1 accepted is one the TMS issued
         * (REQ-HS-017) for the HS_REQUEST this session sent, whoever made TAC_1: a DWK_1 of
         * another session, with its leaked DWK, does not impersonate the TMS. */
        assert((s_pub[r_o] & P_AREQ) && s_t[r_o] == t_sess && s_off[r_o] == T_OFFER &&
               s_trans[r_o] == t_trans[t_sess]);
#endif
        if
        :: r_v != FORGED ->
           t_peer[t_sess] = r_o;
           printf("terminal session %d: TAC_1 of engine %d accepted, PROFILE %d; sends HS_AUTH_ANSWER\n",
                  t_sess, r_o, r_p)
        :: r_v == FORGED ->
           t_peer[t_sess] = 0;                          /* the attacker is the peer */
#ifdef REACH_FORGED_ACCEPTED
           /* vacuity check: with the binding, a forged TAC_1 still passes with the DWK_1 issued for
            * this very request -- a leak of the running session's own DWK, which no binding stops */
           assert(false);
#endif
           printf("terminal session %d: DWK_1 of engine %d with a forged TAC_1 accepted, PROFILE %d; sends HS_AUTH_ANSWER\n",
                  t_sess, r_o, r_p)
        fi;
        t_prof[t_sess] = r_p;
        t_pub[t_sess] = t_pub[t_sess] | P_ANSWER;       /* HS_AUTH_ANSWER with SAC_1, REQ-HS-023 */
        t_state = T_WAIT_KEY_MESSAGE
     fi
  :: G_T3 ->
     if
     :: r_v != t_trans[t_sess] || !KEY_MAC_OK -> t_state = T_FAILED   /* [01] / [13] */
     :: r_v == t_trans[t_sess] && KEY_MAC_OK -> t_state = T_FAILED    /* store refused [21] */
     :: r_v == t_trans[t_sess] && KEY_MAC_OK ->
        ASSERT_NO_DOWNGRADE(t_prof[t_sess]);
#ifdef P_KEYS
        /* Property 3 (REQ-TERM-002, REQ-HS-022, REQ-SEC-001): keys are stored only after a TAC_1
         * over this session's own T_DATA, from the engine whose KEY_MESSAGE this is, which
         * checked this session's SAC_1; and no two sessions store keys of one engine run. */
        assert(s_t[t_peer[t_sess]] == t_sess && s_off[t_peer[t_sess]] == T_OFFER &&
               s_prof[t_peer[t_sess]] == t_prof[t_sess] && s_trans[t_peer[t_sess]] == 1 &&
               s_sac[t_peer[t_sess]] && (s_pub[t_peer[t_sess]] & P_KEYM));
        assert(!((t_keys & BIT(3 - t_sess)) && t_peer[3 - t_sess] == t_peer[t_sess]));
#endif
        t_keys = t_keys | BIT(t_sess);                  /* all keys stored together, REQ-KEY-022 */
        printf("terminal session %d: keys of engine %d stored\n", t_sess, r_o);
        if
        :: t_state = T_FAILED                           /* report too big [96], REQ-DL-041 */
        :: /* REQ-DL-040: TERM_INFO (SEQ 0), then at once SESSION_END `00` (SEQ 1) */
           t_info[t_sess] = installed + 1; t_tx++;
           t_end[t_sess] = t_tx + 1; t_endres[t_sess] = 0; t_tx++;
           t_state = T_WAIT_END_ACK
        fi
     fi
  :: G_T4 ->
     if
     :: r_v != t_trans[t_sess] || !KEY_MAC_OK -> t_state = T_FAILED   /* [01] / [13] */
     :: r_v == t_trans[t_sess] && KEY_MAC_OK -> t_state = T_FAILED    /* report too big [96] */
     :: r_v == t_trans[t_sess] && KEY_MAC_OK ->
        ASSERT_NO_DOWNGRADE(t_prof[t_sess]);
        /* REQ-DL-040: TERM_INFO (SEQ 0), then at once PKG_ANNOUNCE (SEQ 1); both list the installed
         * packages (REQ-DL-041) */
        t_info[t_sess] = installed + 1; t_tx++;
        t_ann[t_sess] = installed + 1; t_tx++;
        t_state = T_WAIT_PKG_CONFIRM
     fi
  :: G_T5 ->
     t_envelope_ok(r_rows);
     if
     :: !r_rows -> t_state = T_FAILED
     :: r_rows ->
#ifdef REACH_RESUME
        assert(staged == 0);    /* vacuity check: a resumed download must be reachable */
#endif
        t_send_frame_request(); t_state = T_WAIT_FRAME   /* REQ-DL-020, REQ-DL-021 */
     fi
  :: G_T6 ->
     t_envelope_ok(r_rows);
     if
     :: !r_rows -> t_state = T_FAILED
     :: r_rows -> t_apply_and_end()
     fi
  :: G_T7 ->
     t_envelope_ok(r_rows);
     if
     :: !r_rows || r_v != t_want -> t_state = T_FAILED   /* [13/14] / not the outstanding one [01] */
     :: r_rows && r_v == t_want ->
        ASSERT_AUTHENTICATED_FRAME;
        staged = staged | BIT(r_v);                     /* REQ-DL-023, REQ-DL-024 */
        t_send_frame_request()
     fi
  :: G_T8 ->
     t_envelope_ok(r_rows);
     if
     :: !r_rows || r_v != t_want -> t_state = T_FAILED
     :: r_rows && r_v == t_want ->
        ASSERT_AUTHENTICATED_FRAME;
        staged = staged | BIT(r_v);
        r_v = 1;                                        /* apply the one package offered */
        t_apply_and_end()
     fi
  :: G_T9 ->
     t_envelope_ok(r_rows);
     if
     :: !r_rows -> t_state = T_FAILED
     :: r_rows && t_endres[t_sess] == 0 ->
#ifdef REACH_KEYS_DONE
        assert(!(t_keys & BIT(t_sess)));     /* vacuity check: a key download can succeed */
#endif
#ifdef REACH_DOWNLOAD_DONE
        assert(!(t_trans[t_sess] == 2 && installed));   /* ... and a program download */
#endif
        t_state = T_DONE
     :: r_rows && t_endres[t_sess] != 0 -> t_state = T_FAILED
     fi
  :: G_T10 -> t_state = T_FAILED                        /* REQ-ERR-003 */
  :: G_T14 -> t_state = T_FAILED                        /* ABORT `02` */
  :: G_T15 -> t_state = T_FAILED                        /* ABORT `01` */
  :: G_T17 -> skip                                      /* no session: refused locally, nothing sent */
  :: G_T18 -> skip                                      /* the session is over */
  fi
}

proctype Terminal() {
  do
  :: t_sess < NSESS ->
     /* T1: START on a new connection: fresh T_DATA (REQ-HS-004), HS_REQUEST first (REQ-HS-002). */
     atomic {
       t_sess++;
       t_rx = 0; t_tx = 0; t_want = 0;
       if
       :: t_trans[t_sess] = 1
       :: t_trans[t_sess] = 2
       fi;
       t_pub[t_sess] = P_HSREQ;
       printf("terminal session %d: sends HS_REQUEST T_DATA %d OFFERED_PROFILES %d TRANS_CODE %d\n",
              t_sess, t_sess, T_OFFER, t_trans[t_sess]);
       t_state = T_WAIT_AUTH_REQUEST
     }
     do
     :: t_state == T_DONE || t_state == T_FAILED -> break
     :: atomic { to_t?r_ty, r_o, r_p, r_seq, r_v -> t_receive() }
     :: atomic { T_WAITING -> t_state = T_FAILED }      /* T11 TIMEOUT: ABORT `23` (REQ-HS-033) */
     :: atomic { T_WAITING -> t_state = T_FAILED }      /* T12 CONN_LOST: staged kept (REQ-DL-034) */
     :: atomic { T_WAITING -> t_state = T_FAILED }      /* T13 CANCEL: ABORT `28` */
     od
  :: else -> break
  od
}

/* ============================== TMS (spec/10-tms-states.md) ============================== */

#define S_LISTED(st, ty) ((st == S_IDLE && ty == HS_REQUEST) || \
                          (st == S_WAIT_AUTH_ANSWER && ty == HS_AUTH_ANSWER) || \
                          (st == S_WAIT_TERM_INFO && ty == TERM_INFO) || \
                          (st == S_WAIT_PKG_ANNOUNCE && ty == PKG_ANNOUNCE) || \
                          (st == S_SERVING && (ty == FRAME_REQUEST || ty == SESSION_END)) || \
                          (st == S_WAIT_SESSION_END && ty == SESSION_END))
#define G_S1(c)  (s_state[c] == S_IDLE && e_ty == HS_REQUEST)
#define G_S2(c)  (s_state[c] == S_WAIT_AUTH_ANSWER && e_ty == HS_AUTH_ANSWER)
#define G_S3(c)  (s_state[c] == S_WAIT_PKG_ANNOUNCE && e_ty == PKG_ANNOUNCE)
#define G_S4(c)  (s_state[c] == S_SERVING && e_ty == FRAME_REQUEST)
#define G_S5(c)  (s_state[c] == S_SERVING && e_ty == SESSION_END)
#define G_S6(c)  (s_state[c] == S_WAIT_SESSION_END && e_ty == SESSION_END)
#define G_S7(c)  (S_NONFINAL(c) && e_ty == ABORT)
#define G_S10(c) (S_NONFINAL(c) && e_ty != MALFORMED && e_ty != ABORT && !S_LISTED(s_state[c], e_ty))
#define G_S11(c) (S_NONFINAL(c) && e_ty == MALFORMED)
#define G_S12(c) (!S_NONFINAL(c))
#define G_S13(c) (s_state[c] == S_WAIT_TERM_INFO && e_ty == TERM_INFO) /* row S13 */

/*
 * SAC_1 = SAC_0 (REQ-HS-031, REQ-CRYPTO-033): SAC_1 was made by terminal session e_o under the
 * K_MAC of the DWK it accepted, which must be ours, over its TH_SAC, which must be ours.
 */
#define SAC_OK(c) (t_peer[e_o] == c && e_o == s_t[c] && t_prof[e_o] == s_prof[c] && \
                   t_trans[e_o] == s_trans[c] && OFFER_BOUND(T_OFFER == s_off[c]))

/* Envelope from terminal session e_o: MAC under our DSK [13], then SEQ [14]. */
inline s_envelope_ok(c, ok) {
  if
  :: t_peer[e_o] != c -> ok = false
  :: t_peer[e_o] == c && e_seq != s_rx[c] -> ok = false
  :: t_peer[e_o] == c && e_seq == s_rx[c] -> ok = true; s_rx[c]++
  fi
}

inline s_receive(c) {
#ifdef P_RECEPTION
  /* Property 1: each (state, event) pair matches exactly one row (REQ-TMS-001). */
  e_rows = ONE(G_S1(c)) + ONE(G_S2(c)) + ONE(G_S3(c)) + ONE(G_S4(c)) + ONE(G_S5(c)) +
           ONE(G_S6(c)) + ONE(G_S7(c)) + ONE(G_S10(c)) + ONE(G_S11(c)) + ONE(G_S12(c)) +
           ONE(G_S13(c));
  assert(e_rows == 1);
#endif
  if
  :: G_S1(c) ->
     /* REQ-HS-010 order, as far as modelled: profile [08] (REQ-HS-011), replay [10] (REQ-HS-013) */
     if
     :: BEST(e_p) == 0 -> s_state[c] = S_FAILED
     :: BEST(e_p) != 0 && (cache & BIT(e_o)) -> s_state[c] = S_FAILED
     :: BEST(e_p) != 0 && !(cache & BIT(e_o)) ->
#ifdef NO_REPLAY_CACHE
        skip;
#else
        cache = cache | BIT(e_o);
#endif
#ifdef P_REPLAY
        /* ghost: a replay is a T_DATA another engine already accepted, or one whose terminal
         * session is no longer waiting for its answer */
        e_i = 1;
        do
        :: e_i <= NENG -> if :: e_i != c && s_t[e_i] == e_o -> s_replayed[c] = 1 :: else fi; e_i++
        :: else -> break
        od;
        if
        :: e_o != ATT && !(t_sess == e_o && t_state == T_WAIT_AUTH_REQUEST) -> s_replayed[c] = 1
        :: else
        fi;
        e_i = 0;
#endif
        /* DWK_1 carries the digest of this HS_REQUEST (REQ-HS-017): the binding is these fields */
        s_t[c] = e_o; s_off[c] = e_p; s_trans[c] = e_v; s_prof[c] = BEST(e_p);
        s_pub[c] = P_AREQ;                              /* HS_AUTH_REQUEST, REQ-HS-016 */
        printf("engine %d: HS_REQUEST T_DATA %d OFFERED_PROFILES %d accepted; sends HS_AUTH_REQUEST PROFILE %d\n",
               c, e_o, e_p, s_prof[c]);
        s_state[c] = S_WAIT_AUTH_ANSWER
     fi
  :: G_S2(c) ->
     if
     :: !SAC_OK(c) -> s_state[c] = S_FAILED             /* [12], no key ciphertext */
     :: SAC_OK(c) ->
        s_sac[c] = 1;
        ASSERT_NO_DOWNGRADE(s_prof[c]);
#ifdef P_AGREE
        /* Property 2 (REQ-HS-032, REQ-TMS-004, REQ-SEC-001): KEY_MESSAGE only after a SAC_1 that
         * terminal session s_t[c] made over this engine's S_DATA and transcript ... */
        assert(s_t[c] >= 1 && s_t[c] <= NSESS && (t_pub[s_t[c]] & P_ANSWER) &&
               t_peer[s_t[c]] == c && t_prof[s_t[c]] == s_prof[c] &&
               t_trans[s_t[c]] == s_trans[c] && s_off[c] == T_OFFER);
        /* ... and injectively: no other engine has sent KEY_MESSAGE for that session. */
        e_i = 1;
        do
        :: e_i <= NENG -> assert(e_i == c || !(s_pub[e_i] & P_KEYM) || s_t[e_i] != s_t[c]); e_i++
        :: else -> break
        od;
        e_i = 0;
#endif
#ifdef P_REPLAY
        /* Property 5 (REQ-SEC-003, REQ-HS-013): a handshake started by a replayed HS_REQUEST
         * never completes. */
        assert(!s_replayed[c]);
#endif
        s_pub[c] = s_pub[c] | P_KEYM;                   /* KEY_MESSAGE, REQ-KEY-010 */
        printf("engine %d: SAC_1 of terminal session %d matches; sends KEY_MESSAGE under PROFILE %d\n",
               c, e_o, s_prof[c]);
        s_rx[c] = 0; s_tx[c] = 0;
        s_state[c] = S_WAIT_TERM_INFO                  /* REQ-DL-040 */
     fi
  :: G_S13(c) ->                                       /* REQ-DL-040, REQ-DL-042 */
     s_envelope_ok(c, e_rows);
     if
     :: !e_rows -> s_state[c] = S_FAILED               /* [13/14] */
     :: e_rows -> s_state[c] = S_FAILED                /* the store failed [96] */
     :: e_rows ->
        s_info[c] = e_v + 1;                            /* report stored; nothing is sent */
        if
        :: s_trans[c] == 1 -> s_state[c] = S_WAIT_SESSION_END
        :: s_trans[c] == 2 -> s_state[c] = S_WAIT_PKG_ANNOUNCE
        fi
     fi
  :: G_S3(c) ->
     s_envelope_ok(c, e_rows);
     if
     :: !e_rows -> s_state[c] = S_FAILED
     /* REQ-DL-043: the entries must be the report's PACKAGE items [01]. The model's terminal
      * sends both from one state, and the envelope MAC ties both to one session, so this
      * branch is never taken here; it stays so that the row reads as the table does. */
     :: e_rows && e_v + 1 != s_info[c] -> s_state[c] = S_FAILED
     :: e_rows && e_v + 1 == s_info[c] ->              /* offers (REQ-DL-011): none if installed */
        s_conf[c] = (e_v == 0 -> 2 : 1); s_tx[c]++;
        s_state[c] = S_SERVING
     fi
  :: G_S4(c) ->
     s_envelope_ok(c, e_rows);
     if
     :: !e_rows || e_v >= NPIECE -> s_state[c] = S_FAILED   /* [13/14] / [17] */
     :: e_rows && e_v < NPIECE ->
#ifdef P_FRAME
        /* Property 4, TMS side: a piece is served only inside the session this engine
         * authenticated (REQ-DL-022, REQ-SEC-001). */
        assert(e_o == s_t[c] && s_sac[c] && t_peer[e_o] == c);
#endif
        s_fr[c * NPIECE + e_v] = s_tx[c] + 1; s_tx[c]++  /* FRAME_RESPONSE */
     fi
  :: G_S5(c) || G_S6(c) ->                             /* REQ-DL-032, REQ-KEY-023 */
     s_envelope_ok(c, e_rows);
     if
     :: !e_rows -> s_state[c] = S_FAILED
     :: e_rows -> s_ack[c] = s_tx[c] + 1; s_tx[c]++; s_state[c] = S_DONE
     fi
  :: G_S7(c) -> s_state[c] = S_FAILED                  /* REQ-ERR-003 */
  :: G_S10(c) -> s_state[c] = S_FAILED                 /* ABORT `02` */
  :: G_S11(c) -> s_state[c] = S_FAILED                 /* ABORT `01` */
  :: G_S12(c) -> skip                                  /* the session is over */
  fi
}

proctype Tms(byte c) {
  do
  :: s_state[c] == S_DONE || s_state[c] == S_FAILED -> break
  :: atomic { to_s[c]?e_ty, e_o, e_p, e_seq, e_v -> s_receive(c) }
  :: atomic { S_NONFINAL(c) -> s_state[c] = S_FAILED }  /* S8 TIMEOUT: ABORT `23` */
  :: atomic { S_NONFINAL(c) -> s_state[c] = S_FAILED }  /* S9 CONN_LOST */
  od
}

/* ============================== The attacker (the network) ============================== */
/*
 * Each delivery is one atomic step, offered only while its receiver's engine is waiting (once an
 * engine is final nothing reaches it, as in rows T18 and S12), so that the attacker never blocks
 * half-way and a state with no successor is either the end of every session or a reception no row
 * handles (property 1).
 */

/* Everything engine c published, to the terminal; PROFILE may be rewritten (REQ-SEC-005). */
#define FROM_ENGINE(c) \
  :: atomic { T_WAITING && (s_pub[c] & P_AREQ) -> to_t!HS_AUTH_REQUEST, c, s_prof[c], 0, 0 } \
  :: atomic { T_WAITING && (s_pub[c] & P_AREQ) -> to_t!HS_AUTH_REQUEST, c, 3 - s_prof[c], 0, 0 } \
  :: atomic { T_WAITING && (s_pub[c] & P_KEYM) -> to_t!KEY_MESSAGE, c, 0, 0, s_trans[c] } \
  :: atomic { T_WAITING && s_conf[c] != 0 -> to_t!PKG_CONFIRM, c, 0, 0, s_conf[c] - 1 } \
  :: atomic { T_WAITING && s_fr[c * NPIECE] != 0 -> \
                to_t!FRAME_RESPONSE, c, 0, s_fr[c * NPIECE] - 1, 0 } \
  :: atomic { T_WAITING && s_fr[c * NPIECE + 1] != 0 -> \
                to_t!FRAME_RESPONSE, c, 0, s_fr[c * NPIECE + 1] - 1, 1 } \
  :: atomic { T_WAITING && s_ack[c] != 0 -> to_t!SESSION_END_ACK, c, 0, s_ack[c] - 1, 0 }

/*
 * With a leaked DWK (-DDWK_LEAK): engine c's DWK_1, unchanged, with the attacker's own S_DATA and a
 * TAC_1 it computed over the waiting session's transcript (it has seen that session's HS_REQUEST).
 * Only PROFILE = the engine's profile is sent: any other fails the DWK_1 header check (REQ-HS-020).
 * -DLEAK_EARLIER_ONLY narrows the leak to the review's attacker: only DWKs of DWK_1s that the TMS
 * issued for an earlier terminal session's own, unaltered HS_REQUEST are known.
 */
#ifdef LEAK_EARLIER_ONLY
#define LEAKED(c) ((s_pub[c] & P_AREQ) && s_t[c] >= 1 && s_t[c] < t_sess && \
                   s_off[c] == T_OFFER && s_trans[c] == t_trans[s_t[c]])
#else
#define LEAKED(c) (s_pub[c] & P_AREQ)
#endif
#ifdef DWK_LEAK
#define FORGED_WITH_DWK_OF(c) \
  :: atomic { t_state == T_WAIT_AUTH_REQUEST && LEAKED(c) -> \
                to_t!HS_AUTH_REQUEST, c, s_prof[c], 0, FORGED }
#else
#define FORGED_WITH_DWK_OF(c)
#endif

/* Everything terminal session i published, to engine c. */
#define FROM_SESSION(i, c) \
  :: atomic { S_NONFINAL(c) && (t_pub[i] & P_ANSWER) -> to_s[c]!HS_AUTH_ANSWER, i, 0, 0, 0 } \
  :: atomic { S_NONFINAL(c) && t_info[i] != 0 -> to_s[c]!TERM_INFO, i, 0, 0, t_info[i] - 1 } \
  :: atomic { S_NONFINAL(c) && t_ann[i] != 0 -> to_s[c]!PKG_ANNOUNCE, i, 0, 1, t_ann[i] - 1 } \
  :: atomic { S_NONFINAL(c) && t_fq[i * NPIECE] != 0 -> \
                to_s[c]!FRAME_REQUEST, i, 0, t_fq[i * NPIECE] - 1, 0 } \
  :: atomic { S_NONFINAL(c) && t_fq[i * NPIECE + 1] != 0 -> \
                to_s[c]!FRAME_REQUEST, i, 0, t_fq[i * NPIECE + 1] - 1, 1 } \
  :: atomic { S_NONFINAL(c) && t_end[i] != 0 -> \
                to_s[c]!SESSION_END, i, 0, t_end[i] - 1, t_endres[i] }

#define TO_ENGINE(c) \
  FROM_SESSION(1, c) \
  FROM_SESSION(2, c) \
  :: atomic { S_NONFINAL(c) -> to_s[c]!ABORT, 0, 0, 0, 0 } \
  :: atomic { S_NONFINAL(c) -> to_s[c]!MALFORMED, 0, 0, 0, 0 } \
  :: atomic { S_NONFINAL(c) -> to_s[c]!HS_AUTH_REQUEST, 0, 0, 0, 0 }

proctype Attacker() {
end:
  do
  FROM_ENGINE(1)
  FROM_ENGINE(2)
  FORGED_WITH_DWK_OF(1)
  FORGED_WITH_DWK_OF(2)
  :: atomic { T_WAITING -> to_t!ABORT, 0, 0, 0, 0 }
  :: atomic { T_WAITING -> to_t!MALFORMED, 0, 0, 0, 0 }
  :: atomic { T_WAITING -> to_t!HS_REQUEST, 0, 0, 0, 0 }   /* a type only a terminal sends */
  /* A new connection with a HS_REQUEST of the attacker's making (it has no MAC to forge). */
  :: atomic {
       (s_state[1] == S_IDLE || s_state[2] == S_IDLE) ->
       a_c = (s_state[1] == S_IDLE -> 1 : 2);
       if
       :: (t_pub[1] & P_HSREQ) -> a_t = 1
       :: (t_pub[2] & P_HSREQ) -> a_t = 2
       :: a_t = ATT
       fi;
       if
       :: a_o = TDES
       :: a_o = AES
       :: a_o = TDES + AES
       fi;
       if
       :: a_v = 1
       :: a_v = 2
       fi;
       to_s[a_c]!HS_REQUEST, a_t, a_o, 0, a_v
     }
  TO_ENGINE(1)
  TO_ENGINE(2)
  od
}

init {
  atomic {
    s_state[1] = S_IDLE;
    s_state[2] = S_IDLE;
    run Terminal();
    run Tms(1);
    run Tms(2);
    run Attacker()
  }
}
