/*
 * tcp_fsm.h: the connection states of RFC 9293 3.3.2, numbered so that
 * "has received a SYN" and "has sent a FIN" are range tests.
 */
#ifndef _RUMP_SYS_NETINET_TCP_FSM_H_
#define _RUMP_SYS_NETINET_TCP_FSM_H_

#define TCPS_CLOSED		0
#define TCPS_LISTEN		1
#define TCPS_SYN_SENT		2
#define TCPS_SYN_RECEIVED	3
/* States at or above this one are synchronized. */
#define TCPS_ESTABLISHED	4
#define TCPS_CLOSE_WAIT		5
/* States at or above this one have sent a FIN. */
#define TCPS_FIN_WAIT_1		6
#define TCPS_CLOSING		7
#define TCPS_LAST_ACK		8
/* States at or above this one have had their FIN acknowledged. */
#define TCPS_FIN_WAIT_2		9
#define TCPS_TIME_WAIT		10
#define TCP_NSTATES		11

#define TCPS_HAVERCVDSYN(s)	((s) >= TCPS_SYN_RECEIVED)
#define TCPS_HAVEESTABLISHED(s)	((s) >= TCPS_ESTABLISHED)
#define TCPS_HAVERCVDFIN(s)						\
	((s) == TCPS_CLOSE_WAIT || (s) == TCPS_CLOSING ||		\
	 (s) == TCPS_LAST_ACK || (s) == TCPS_TIME_WAIT)

extern const char *const tcpstates[TCP_NSTATES];

#endif /* _RUMP_SYS_NETINET_TCP_FSM_H_ */
