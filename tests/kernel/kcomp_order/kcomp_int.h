/* kcomp_int.h: shared by the registry-test components. */
#ifndef _KCOMP_INT_H_
#define _KCOMP_INT_H_

void	kcomp_log_reset(void);
/* Append "+name" or "-name"; for '+', EIO if KCOMP_FAIL names it. */
int	kcomp_record(char sign, const char *name);

#endif /* _KCOMP_INT_H_ */
