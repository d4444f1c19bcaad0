/*
 * audio_int.h: what the files of the audio component share.
 */
#ifndef _AUDIO_INT_H_
#define _AUDIO_INT_H_

#include <rump-sys/device.h>

extern struct cfattach fakeaudio_ca;
extern struct cfattach audio_ca;

#endif /* _AUDIO_INT_H_ */
